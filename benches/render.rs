//! Render benchmark: a generated repository of 1,000 services, each with a base
//! and three overlays (dev, staging, prod) = 3,000 render units, rendered
//! in-process; a sample of overlays is also built with `kubectl kustomize`
//! for the per-overlay ratio.
//!
//! `cargo bench --bench render` (SERVICES=n and SAMPLE=n override the sizes).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use ftlint::kustomize::{render, sources_from_dir, to_yaml};
use ftlint::yaml::{parse, FileId};
use rayon::prelude::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn generate(root: &Path, services: usize) -> Vec<String> {
    let mut overlays = Vec::new();
    for i in 0..services {
        let name = format!("svc{i:04}");
        let base = root.join("apps").join(&name).join("base");
        write(
            &base.join("deployment.yaml"),
            &format!(
                "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      containers:
      - name: {name}
        image: registry.example.com/{name}
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: {name}-config
        readinessProbe:
          httpGet: {{path: /healthz, port: http}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 256Mi}}
"
            ),
        );
        write(
            &base.join("service.yaml"),
            &format!(
                "apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
  - port: 80
    targetPort: http
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
"
            ),
        );
        write(
            &base.join("kustomization.yaml"),
            &format!(
                "resources:
- deployment.yaml
- service.yaml
configMapGenerator:
- name: {name}-config
  literals:
  - LOG_LEVEL=info
  - SERVICE={name}
"
            ),
        );
        for (env, replicas) in [("dev", 1), ("staging", 2), ("prod", 3)] {
            let dir = format!("apps/{name}/overlays/{env}");
            write(
                &root.join(&dir).join("kustomization.yaml"),
                &format!(
                    "resources:
- ../../base
namespace: {name}-{env}
labels:
- pairs:
    env: {env}
  includeSelectors: false
commonAnnotations:
  owner: team-{team}
images:
- name: registry.example.com/{name}
  newTag: v1.{i}.{replicas}
replicas:
- name: {name}
  count: {replicas}
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {name}
    spec:
      template:
        spec:
          containers:
          - name: {name}
            env:
            - name: ENV
              value: {env}
configMapGenerator:
- name: {name}-config
  behavior: merge
  literals:
  - LOG_LEVEL={level}
",
                    team = i % 17,
                    level = if env == "prod" { "warn" } else { "debug" },
                ),
            );
            overlays.push(dir);
        }
    }
    overlays
}

fn docs(text: &str) -> Vec<serde_json::Value> {
    parse(text, FileId(0))
        .documents
        .iter()
        .filter(|d| !d.root.is_null())
        .map(|d| d.root.to_json())
        .collect()
}

fn main() {
    let services: usize = std::env::var("SERVICES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let sample: usize = std::env::var("SAMPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let tmp = tempfile::tempdir().unwrap();
    let overlays = generate(tmp.path(), services);

    let t = Instant::now();
    let sources = sources_from_dir(tmp.path());
    let load = t.elapsed();
    println!(
        "generated {services} services, {} overlays, {} files; read+parse {:.1} ms",
        overlays.len(),
        sources.files.len(),
        load.as_secs_f64() * 1e3
    );

    // Warm-up, then timed runs.
    let _ = render(&sources, &overlays[0]);
    let t = Instant::now();
    let objects: usize = overlays
        .par_iter()
        .map(|o| render(&sources, o).objects.len())
        .sum();
    let par = t.elapsed();
    let t = Instant::now();
    let mut errors = 0;
    for o in &overlays {
        let r = render(&sources, o);
        errors += usize::from(r.has_errors());
    }
    let seq = t.elapsed();
    assert_eq!(errors, 0, "the generated overlays must render cleanly");
    println!(
        "render {} overlays ({objects} objects): {:.1} ms parallel ({} threads), {:.1} ms on one thread ({:.1} µs/overlay)",
        overlays.len(),
        par.as_secs_f64() * 1e3,
        rayon::current_num_threads(),
        seq.as_secs_f64() * 1e3,
        seq.as_secs_f64() * 1e6 / overlays.len() as f64
    );

    let kubectl_ok = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !kubectl_ok || sample == 0 {
        println!("kubectl not on PATH: no comparison");
        return;
    }
    let step = (overlays.len() / sample).max(1);
    let picked: Vec<&String> = overlays.iter().step_by(step).take(sample).collect();
    let t = Instant::now();
    for o in &picked {
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(tmp.path().join(o))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = docs(&String::from_utf8_lossy(&out.stdout));
        let got = docs(&to_yaml(&render(&sources, o).objects));
        assert_eq!(
            want, got,
            "{o}: native output differs from kubectl kustomize"
        );
    }
    let per_kubectl = t.elapsed().as_secs_f64() / picked.len() as f64;
    let per_native = seq.as_secs_f64() / overlays.len() as f64;
    println!("sampled overlays render identically to kubectl kustomize");
    println!(
        "kubectl kustomize: {:.1} ms/overlay over {} overlays; native: {:.1} µs/overlay (one thread) -> {:.0}x faster; \
         all {} overlays: native {:.0} ms (parallel) vs kubectl ~{:.0} s (extrapolated)",
        per_kubectl * 1e3,
        picked.len(),
        per_native * 1e6,
        per_kubectl / per_native,
        overlays.len(),
        par.as_secs_f64() * 1e3,
        per_kubectl * overlays.len() as f64
    );
}
