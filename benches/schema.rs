//! Schema validation throughput, one core: `cargo bench --bench schema`.
//! Prints Deployments validated per second (target >= 100,000/s) and the cold cost
//! of the first validation (decompression + compilation).

use std::hint::black_box;
use std::time::Instant;

use ftlint::schema::{default_version, SchemaRegistry, Validation};
use serde_json::json;

fn deployment(i: usize) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("web-{i}"), "namespace": "shop",
                     "labels": {"app": "web", "team": "tickets"},
                     "annotations": {"argocd.argoproj.io/sync-wave": "2"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "serviceAccountName": "web",
                    "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "web", "image": "registry.example.com/web:1.4.2",
                        "ports": [{"containerPort": 8080, "name": "http"}],
                        "env": [{"name": "DB_HOST", "value": "db"},
                                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}},
                        "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                                            "capabilities": {"drop": ["ALL"]}},
                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]
                    }],
                    "volumes": [{"name": "tmp", "emptyDir": {}}]
                }
            }
        }
    })
}

/// CPU time of this thread (Linux; `None` elsewhere), so that the figure is per
/// core even when the machine is busy.
fn thread_cpu() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let reg = SchemaRegistry::new(default_version(), true).unwrap();
    let objs: Vec<_> = (0..1000).map(deployment).collect();

    let t = Instant::now();
    assert_eq!(
        reg.validate("apps/v1", "Deployment", &objs[0]),
        Validation::Valid
    );
    let cold = t.elapsed();

    let n = 300_000;
    let cpu0 = thread_cpu();
    let t = Instant::now();
    for i in 0..n {
        let r = reg.validate("apps/v1", "Deployment", black_box(&objs[i % objs.len()]));
        debug_assert_eq!(r, Validation::Valid);
        black_box(r);
    }
    let dt = t.elapsed();
    let cpu = thread_cpu().zip(cpu0).map(|(b, a)| b - a);
    println!(
        "schema: first Deployment (decompress + compile) {:.1} ms",
        cold.as_secs_f64() * 1e3
    );
    println!(
        "schema: {n} valid Deployments in {:.0} ms on one thread = {:.0}/s",
        dt.as_secs_f64() * 1e3,
        n as f64 / dt.as_secs_f64()
    );
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        println!(
            "schema: {:.0} ms of CPU time = {:.0} valid Deployments/s per core",
            cpu * 1e3,
            n as f64 / cpu
        );
    }

    let mut bad = deployment(0);
    bad["spec"]["replicass"] = json!(3);
    bad["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!("http");
    let n = 20_000;
    let t = Instant::now();
    for _ in 0..n {
        black_box(reg.validate("apps/v1", "Deployment", black_box(&bad)));
    }
    let dt = t.elapsed();
    println!(
        "schema: {n} invalid Deployments (2 errors each) = {:.0}/s",
        n as f64 / dt.as_secs_f64()
    );

    for (api, kind) in [
        ("argoproj.io/v1alpha1", "Application"),
        ("argoproj.io/v1alpha1", "ApplicationSet"),
        ("external-secrets.io/v1", "SecretStore"),
    ] {
        let t = Instant::now();
        black_box(reg.validate(
            api,
            kind,
            &json!({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}),
        ));
        println!(
            "schema: first {kind} (decompress + compile) {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
