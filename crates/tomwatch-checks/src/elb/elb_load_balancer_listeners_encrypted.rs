use super::front;
use crate::check::{EvalContext, Evidence};
use crate::kinds::ELB_LOAD_BALANCER;
use crate::verdict::Verdict;

check! {
    title: "Classic Load Balancers speak TLS on every listener, to clients and to instances",
    resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &ELB_LOAD_BALANCER, |_, lb| {
            let subject = format!("classic load balancer {}", lb.name);
            if lb.listeners.is_empty() {
                let verdict = Verdict::not_applicable(format!("{subject} has no listeners"));
                return (lb.arn.clone(), verdict);
            }
            // A classic listener cannot redirect: an HTTP or TCP one serves plaintext.
            let to_clients: Vec<String> = (lb.listeners.iter())
                .filter(|l| !l.encrypts_to_clients())
                .map(front)
                .collect();
            // "Internal traffic included": TLS ends at the load balancer unless it re-encrypts.
            let to_instances: Vec<String> = (lb.listeners.iter())
                .filter(|l| !l.encrypts_to_instances())
                .map(|l| format!("{} → {}:{}", front(l), l.instance_protocol, l.instance_port))
                .collect();
            let mut plaintext = Vec::new();
            if !to_clients.is_empty() {
                plaintext.push(format!("accepts plaintext on {}", to_clients.join(", ")));
            }
            if !to_instances.is_empty() {
                plaintext.push(format!(
                    "forwards plaintext to its instances ({})",
                    to_instances.join(", ")
                ));
            }
            let verdict = if plaintext.is_empty() {
                let all: Vec<String> = (lb.listeners.iter())
                    .map(|l| format!("{} → {}:{}", front(l), l.instance_protocol, l.instance_port))
                    .collect();
                Verdict::pass(format!("{subject} speaks TLS on every listener ({})", all.join(", ")))
            } else {
                Verdict::fail(format!("{subject} {}", plaintext.join(" and ")))
            };
            (lb.arn.clone(), verdict)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elb::fixtures::{listener, load_balancer};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn plaintext_towards_clients_or_instances_fails_and_tls_end_to_end_passes() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").elb.load_balancers = Ok(vec![
            load_balancer("secure", vec![listener("HTTPS:443", "HTTPS:8443", &[])], &[]),
            load_balancer("offloading", vec![listener("HTTPS:443", "HTTP:8080", &[])], &[]),
            load_balancer(
                "legacy",
                vec![
                    listener("HTTP:80", "HTTP:8080", &[]),
                    listener("SSL:443", "SSL:8443", &[]),
                ],
                &[],
            ),
            load_balancer("empty", vec![], &[]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [Status::Pass, Status::Fail, Status::Fail, Status::NotApplicable]
        );
        assert_eq!(
            findings[1].message,
            "classic load balancer offloading forwards plaintext to its instances \
             (HTTPS:443 → HTTP:8080)"
        );
        assert_eq!(
            findings[2].message,
            "classic load balancer legacy accepts plaintext on HTTP:80 and forwards plaintext \
             to its instances (HTTP:80 → HTTP:8080)"
        );
    }

    #[test]
    fn a_region_whose_load_balancers_could_not_be_listed_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").elb.load_balancers =
            Err(denied("elb", "DescribeLoadBalancers", "eu-central-1"));
        let (_, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
    }
}
