#!/usr/bin/env python3
"""Builds deploy/grafana/dashboards/tomwatch.json with the Grafana Foundation SDK.

    deploy/.venv/bin/python deploy/grafana/generate.py            # rewrite the JSON
    deploy/.venv/bin/python deploy/grafana/generate.py --check    # exit 1 if it is out of date

The SDK's typed builders keep the dashboard in Grafana's schema; the JSON is committed so that
provisioning needs no Python. Every panel stays readable at 100 accounts: no query draws a line
per resource, per-account views are tables.
"""

import argparse
import json
import pathlib
import sys

from grafana_foundation_sdk.builders import bargauge, dashboard, prometheus, stat, table, timeseries
from grafana_foundation_sdk.builders import common as parts
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

OUTPUT = pathlib.Path(__file__).resolve().parent / "dashboards" / "tomwatch.json"
DATASOURCE = model.DataSourceRef(type_val="prometheus", uid="${datasource}")
# Every panel filters by these; "All" is `.*`, so accounts without an environment stay visible.
ACCOUNT = 'account_id=~"$account"'
CONTROL = 'control=~"$control"'


def query(expr: str, legend: str = "", instant: bool = False, ref: str = "A") -> prometheus.Dataquery:
    q = prometheus.Dataquery().expr(expr).ref_id(ref).datasource(DATASOURCE)
    if legend:
        q = q.legend_format(legend)
    if instant:
        q = q.instant().format(PromQueryFormat.TABLE)
    return q


def thresholds(*steps: tuple[float | None, str]) -> dashboard.ThresholdsConfig:
    return (
        dashboard.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=value, color=color) for value, color in steps])
    )


def one_or_zero(one: str, zero: str) -> list[model.ValueMapping]:
    """1 (green) and 0 (red) of a 0/1 gauge, in words."""
    return [
        model.ValueMap(
            options={
                "1": model.ValueMappingResult(text=one, color="green", index=0),
                "0": model.ValueMappingResult(text=zero, color="red", index=1),
            }
        )
    ]


def account_matrix(column: str) -> model.DataTransformerConfig:
    """One row per account, one column per value of `column`."""
    return model.DataTransformerConfig(
        id_val="groupingToMatrix",
        options={"columnField": column, "rowField": "account_id", "valueField": "Value"},
    )


def organize(rename: dict[str, str], hide: list[str], order: list[str] | None = None) -> model.DataTransformerConfig:
    options: dict[str, object] = {
        "renameByName": rename,
        "excludeByName": {name: True for name in hide},
    }
    if order:
        options["indexByName"] = {name: i for i, name in enumerate(order)}
    return model.DataTransformerConfig(id_val="organize", options=options)


def count_stat(title: str, description: str, expr: str, alarm: str | None = None) -> stat.Panel:
    """A single number; with `alarm`, its background turns that color from 1 up."""
    panel = (
        stat.Panel()
        .title(title)
        .description(description)
        .with_target(query(expr))
        .reduce_options(parts.ReduceDataOptions().calcs(["lastNotNull"]))
    )
    if alarm:
        panel = panel.color_mode(common.BigValueColorMode.BACKGROUND).thresholds(thresholds((None, "green"), (1, alarm)))
    return panel


def colored_cells() -> list[model.DynamicConfigValue]:
    return [model.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"})]


def compliance_row(board: dashboard.Dashboard) -> dashboard.Dashboard:
    board = board.with_row(dashboard.Row("Compliance"))
    board = board.with_panel(
        stat.Panel()
        .title("Accounts violating each control")
        .description(
            "Per TOM control, how many of the selected accounts have an unsuppressed FAIL or an "
            "UNKNOWN (tomwatch_control_compliant = 0). 0 is the goal."
        )
        .with_target(
            query(
                f"sum by (control) (1 - max by (account_id, control) (tomwatch_control_compliant{{{ACCOUNT}, {CONTROL}}}))",
                legend="{{control}}",
            )
        )
        .reduce_options(parts.ReduceDataOptions().calcs(["lastNotNull"]))
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .text_mode(common.BigValueTextMode.VALUE_AND_NAME)
        .graph_mode(common.BigValueGraphMode.NONE)
        .thresholds(thresholds((None, "green"), (1, "red")))
        .height(5)
        .span(24)
    )
    board = board.with_panel(
        table.Panel()
        .title("Compliance per account and control")
        .description("One row per account, one column per control: compliant, or violated (a FAIL or an UNKNOWN).")
        .with_target(
            query(
                f"max by (account_id, control) (tomwatch_control_compliant{{{ACCOUNT}, {CONTROL}}})",
                instant=True,
            )
        )
        .with_transformation(account_matrix("control"))
        .mappings(one_or_zero("compliant", "violated"))
        .thresholds(thresholds((None, "red"), (1, "green")))
        .override_by_regexp("TOM-.*", colored_cells())
        .height(9)
        .span(16)
    )
    board = board.with_panel(
        count_stat(
            "Open failures",
            "Unsuppressed FAILs that are open, including those the last scan could not verify (held until evidence resolves them).",
            f"count(tomwatch:failing_resource:open{{{ACCOUNT}, {CONTROL}}}) or vector(0)",
            alarm="red",
        )
        .height(9)
        .span(4)
    )
    board = board.with_panel(
        count_stat(
            "UNKNOWN findings",
            "Findings tomwatch could not decide because a value could not be collected: not compliant, not a FAIL either.",
            f'sum(tomwatch_findings{{status="UNKNOWN", {ACCOUNT}, {CONTROL}}})',
            alarm="orange",
        )
        .height(9)
        .span(4)
    )
    return board


def failures_row(board: dashboard.Dashboard) -> dashboard.Dashboard:
    board = board.with_row(dashboard.Row("Failing resources and drift"))
    board = board.with_panel(
        table.Panel()
        .title("Failing resources")
        .description(
            "Every open unsuppressed FAIL with the time since it was first seen (kept across "
            "restarts). Sort by any column; the oldest are the grace-period tickets."
        )
        .with_target(
            query(
                f"time() - tomwatch:failing_resource_first_seen:open{{{ACCOUNT}, {CONTROL}}}",
                instant=True,
            )
        )
        .with_transformation(
            organize(
                rename={
                    "account_id": "Account",
                    "environment": "Environment",
                    "aws_region": "Region",
                    "control": "Control",
                    "check_id": "Check",
                    "finding_severity": "Severity",
                    "resource_type": "Type",
                    "resource_id": "Resource",
                    "Value": "Open for",
                },
                hide=["Time"],
                order=[
                    "account_id",
                    "environment",
                    "control",
                    "check_id",
                    "finding_severity",
                    "aws_region",
                    "resource_type",
                    "resource_id",
                    "Value",
                ],
            )
        )
        .override_by_name("Open for", [model.DynamicConfigValue(id_val="unit", value="s")])
        .sort_by([parts.TableSortByFieldState().display_name("Open for").desc(True)])
        .height(12)
        .span(24)
    )
    board = board.with_panel(
        timeseries.Panel()
        .title("Drift: new and resolved failures")
        .description("Failures that appeared (new) and went away on evidence (resolved), per interval.")
        .with_target(
            query(
                f"sum by (kind) (increase(tomwatch_drift_events_total{{{ACCOUNT}, {CONTROL}}}[$__rate_interval]))",
                legend="{{kind}}",
            )
        )
        .draw_style(common.GraphDrawStyle.BARS)
        .fill_opacity(60)
        .height(8)
        .span(12)
    )
    board = board.with_panel(
        timeseries.Panel()
        .title("Open failures by control")
        .description("Open failures over time, one line per control (at most twelve).")
        .with_target(
            query(
                f"sum by (control) (tomwatch:failing_resources:count_by_account_control{{{ACCOUNT}, {CONTROL}}})",
                legend="{{control}}",
            )
        )
        .height(8)
        .span(12)
    )
    return board


def suppressions_row(board: dashboard.Dashboard) -> dashboard.Dashboard:
    board = board.with_row(dashboard.Row("Suppressions"))
    board = board.with_panel(
        table.Panel()
        .title("Suppressions and their expiry")
        .description("Every configured suppression with its owner and the time left; negative means expired (it hides nothing any more).")
        .with_target(query("max by (check, resource, owner) (tomwatch_suppression_expires_timestamp_seconds) - time()", instant=True))
        .with_transformation(
            organize(
                rename={"check": "Check", "resource": "Resource", "owner": "Owner", "Value": "Expires in"},
                hide=["Time"],
                order=["check", "resource", "owner", "Value"],
            )
        )
        .override_by_name(
            "Expires in",
            [
                model.DynamicConfigValue(id_val="unit", value="s"),
                model.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background"}),
                model.DynamicConfigValue(
                    id_val="thresholds",
                    value={"mode": "absolute", "steps": [{"value": None, "color": "red"}, {"value": 0, "color": "orange"}, {"value": 604800, "color": "green"}]},
                ),
            ],
        )
        .sort_by([parts.TableSortByFieldState().display_name("Expires in").desc(False)])
        .height(7)
        .span(18)
    )
    board = board.with_panel(
        count_stat(
            "Suppressed FAILs",
            "FAILs that an unexpired suppression accepts: they do not page or fail the audit.",
            f'sum(tomwatch_findings{{status="SUPPRESSED", {ACCOUNT}, {CONTROL}}})',
        )
        .height(7)
        .span(6)
    )
    return board


def health_row(board: dashboard.Dashboard) -> dashboard.Dashboard:
    board = board.with_row(dashboard.Row("Scan health"))
    board = board.with_panel(
        table.Panel()
        .title("Collection by account and service")
        .description("1: every region of the service was collected in the last scan; 0: at least one region failed (its findings are UNKNOWN).")
        .with_target(query(f"min by (account_id, service) (tomwatch_scan_success{{{ACCOUNT}}})", instant=True))
        .with_transformation(account_matrix("service"))
        .mappings(one_or_zero("ok", "failing"))
        .height(8)
        .span(12)
    )
    board = board.with_panel(
        timeseries.Panel()
        .title("Scan duration")
        .description("Duration of the last full scan: the slowest account and the median.")
        .with_target(query(f"max(tomwatch_scan_duration_seconds{{{ACCOUNT}}})", legend="slowest account", ref="A"))
        .with_target(query(f"quantile(0.5, tomwatch_scan_duration_seconds{{{ACCOUNT}}})", legend="median", ref="B"))
        .unit("s")
        .height(8)
        .span(6)
    )
    board = board.with_panel(
        bargauge.Panel()
        .title("Age of the results")
        .description("Time since the last scan that reached AWS, the ten oldest accounts. Over 3 intervals is TomwatchResultsStale.")
        .with_target(
            query(
                f"topk(10, time() - tomwatch_last_scan_success_timestamp_seconds{{{ACCOUNT}}})",
                legend="{{account_id}}",
                instant=True,
            )
        )
        .unit("s")
        .height(8)
        .span(6)
    )
    board = board.with_panel(
        timeseries.Panel()
        .title("AWS API errors by type")
        .description("Failed AWS API operations after retries: throttled, access_denied, timeout, not_available, other.")
        .with_target(
            query(
                "sum by (error_type) (increase(tomwatch_api_errors_total[$__rate_interval]))",
                legend="{{error_type}}",
            )
        )
        .height(8)
        .span(12)
    )
    board = board.with_panel(
        timeseries.Panel()
        .title("AWS API calls by service")
        .description("API operations per second, by AWS service.")
        .with_target(
            query(
                "sum by (service) (rate(tomwatch_api_requests_total[$__rate_interval]))",
                legend="{{service}}",
            )
        )
        .unit("reqps")
        .height(8)
        .span(12)
    )
    return board


def variables(board: dashboard.Dashboard) -> dashboard.Dashboard:
    board = board.with_variable(dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus"))

    def label_values(name: str, label: str, expr: str) -> dashboard.QueryVariable:
        return (
            dashboard.QueryVariable(name)
            .label(label)
            .datasource(DATASOURCE)
            .query({"query": expr, "refId": f"{name}-values"})
            .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .sort(model.VariableSort.ALPHABETICAL_ASC)
            .multi(True)
            .include_all(True)
            .all_value(".*")
        )

    board = board.with_variable(label_values("environment", "Environment", "label_values(tomwatch_account_info, environment)"))
    board = board.with_variable(
        label_values("account", "Account", 'label_values(tomwatch_account_info{environment=~"$environment"}, account_id)')
    )
    board = board.with_variable(label_values("control", "Control", "label_values(tomwatch_control_compliant, control)"))
    return board


def build() -> dict:
    board = (
        dashboard.Dashboard("tomwatch: TOM compliance")
        .uid("tomwatch-compliance")
        .description("Compliance of the AWS accounts with the TOM baseline, drift, suppressions and tomwatch's own scan health.")
        .tags(["tomwatch", "compliance", "aws"])
        .time("now-24h", "now")
        .refresh("1m")
        .timezone("utc")
        .readonly()
    )
    board = variables(board)
    for row in (compliance_row, failures_row, suppressions_row, health_row):
        board = row(board)
    built = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    # Panels without options of their own get Grafana's defaults, not an explicit null.
    for panel in built["panels"]:
        if panel.get("options", {}) is None:
            del panel["options"]
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON differs")
    args = parser.parse_args()
    text = json.dumps(build(), indent=2, sort_keys=True) + "\n"
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run deploy/grafana/generate.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
