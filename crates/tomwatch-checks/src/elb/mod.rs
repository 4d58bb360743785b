//! Classic Load Balancers: TOM-ENC-TRANSIT for the listeners of the 2012 API.

checks! {
    elb_load_balancer_listeners_encrypted,
    elb_load_balancer_tls12_policy,
}

use tomwatch_model::inventory::ClassicListener;

/// `HTTPS:443`: how messages name a listener.
pub(crate) fn front(listener: &ClassicListener) -> String {
    format!("{}:{}", listener.protocol, listener.port)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use std::collections::BTreeMap;
    use tomwatch_model::inventory::{ClassicListener, ClassicLoadBalancer, ClassicPolicy};

    pub fn listener(front: &str, back: &str, policies: &[&str]) -> ClassicListener {
        let split = |p: &str| {
            let (protocol, port) = p.split_once(':').expect("PROTOCOL:port");
            (protocol.to_string(), port.parse().expect("a port"))
        };
        let ((protocol, port), (instance_protocol, instance_port)) = (split(front), split(back));
        ClassicListener {
            protocol,
            port,
            instance_protocol,
            instance_port,
            policy_names: policies.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// A negotiation policy enabling exactly `protocols` (`TLSv1.2`, ...).
    pub fn negotiation(protocols: &[&str]) -> ClassicPolicy {
        let all = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"];
        ClassicPolicy {
            type_name: "SSLNegotiationPolicyType".into(),
            attributes: all
                .iter()
                .map(|p| (format!("Protocol-{p}"), protocols.contains(p).to_string()))
                .collect(),
        }
    }

    pub fn load_balancer(
        name: &str,
        listeners: Vec<ClassicListener>,
        policies: &[(&str, ClassicPolicy)],
    ) -> ClassicLoadBalancer {
        ClassicLoadBalancer {
            arn: format!("arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:loadbalancer/{name}"),
            name: name.into(),
            scheme: "internet-facing".into(),
            listeners,
            policies: Ok(policies
                .iter()
                .map(|(n, p)| (n.to_string(), p.clone()))
                .collect::<BTreeMap<_, _>>()),
            tags: Ok(Default::default()),
        }
    }
}
