//! A generated GitOps repository of N services, shaped like the plan's:
//! `apps/<svc>/base` (Deployment, Service, HPA, PDB, ServiceAccount,
//! SealedSecret), `overlays/{dev,staging,prod}`, and an Argo CD Application
//! per service and environment under `argocd-apps/`. About one service in ten
//! carries a planted violation, so the rules have findings to report.

use std::path::Path;

pub const ENVS: [&str; 3] = ["dev", "staging", "prod"];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The violation planted in service `i`, if any (one service in ten).
fn planted(i: usize) -> Option<usize> {
    (i % 10 == 3).then_some((i / 10) % 4)
}

/// Writes the repository under `root`; returns the overlay directories.
pub fn generate(root: &Path, services: usize) -> Vec<String> {
    write(&root.join(".ftlint.yaml"), "kubernetesVersion: \"1.31\"\n");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(
        &root.join("infrastructure/namespaces.yaml"),
        &(0..services)
            .flat_map(|i| ENVS.iter().map(move |env| (i, env)))
            .map(|(i, env)| {
                format!(
                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: svc{i:05}-{env}\n---\n"
                )
            })
            .collect::<String>(),
    );
    let mut overlays = Vec::new();
    for i in 0..services {
        let name = format!("svc{i:05}");
        let base = root.join("apps").join(&name).join("base");
        let plant = planted(i);
        let probe = if plant == Some(0) {
            String::new()
        } else {
            "        livenessProbe:\n          httpGet: {path: /healthz, port: http}\n        readinessProbe:\n          httpGet: {path: /ready, port: http}\n".to_string()
        };
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
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
      containers:
      - name: {name}
        image: 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/{name}
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - secretRef:
            name: {name}-secrets
{probe}        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 256Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
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
"
            ),
        );
        write(
            &base.join("serviceaccount.yaml"),
            &format!(
                "apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
automountServiceAccountToken: false
"
            ),
        );
        write(
            &base.join("hpa.yaml"),
            &format!(
                "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {{type: Utilization, averageUtilization: 70}}
"
            ),
        );
        let pdb_app = if plant == Some(1) {
            format!("{name}-typo")
        } else {
            name.clone()
        };
        write(
            &base.join("pdb.yaml"),
            &format!(
                "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: {pdb_app}
"
            ),
        );
        let secret = if plant == Some(2) {
            format!(
                "apiVersion: v1
kind: Secret
metadata:
  name: {name}-secrets
stringData:
  DATABASE_PASSWORD: hunter2-{i}
"
            )
        } else {
            format!(
                "apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: {name}-secrets
spec:
  encryptedData:
    DATABASE_PASSWORD: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq{i:05}
  template:
    metadata:
      name: {name}-secrets
"
            )
        };
        write(&base.join("secret.yaml"), &secret);
        write(
            &base.join("kustomization.yaml"),
            "resources:
- deployment.yaml
- service.yaml
- serviceaccount.yaml
- hpa.yaml
- pdb.yaml
- secret.yaml
",
        );
        for env in ENVS {
            let dir = format!("apps/{name}/overlays/{env}");
            let tag = if plant == Some(3) && env == "prod" {
                "latest".to_string()
            } else {
                format!("v1.{i}.0")
            };
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
images:
- name: 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/{name}
  newTag: {tag}
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
"
                ),
            );
            write(
                &root.join(format!("argocd-apps/{env}/{name}.yaml")),
                &format!(
                    "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}-{env}
  namespace: argocd
spec:
  project: {env}
  source:
    repoURL: https://github.com/flash-tickets/gitops
    targetRevision: main
    path: {dir}
  destination:
    server: https://kubernetes.default.svc
    namespace: {name}-{env}
  ignoreDifferences:
  - group: apps
    kind: Deployment
    jsonPointers: [/spec/replicas]
  syncPolicy:
    automated: {{prune: true, selfHeal: true}}
    syncOptions: [RespectIgnoreDifferences=true]
"
                ),
            );
            overlays.push(dir);
        }
    }
    for env in ENVS {
        write(
            &root.join(format!("argocd-apps/projects/{env}.yaml")),
            &format!(
                "apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {env}
  namespace: argocd
spec:
  sourceRepos: [https://github.com/flash-tickets/gitops]
  destinations:
  - server: https://kubernetes.default.svc
    namespace: '*-{env}'
"
            ),
        );
    }
    overlays
}

// The shapes are the benchmark's only: `tests/cache.rs` includes this file too.
#[allow(dead_code)]
/// One service's plain manifests (Deployment, Service, HPA, PDB,
/// ServiceAccount, ConfigMap) with references between them.
fn plain_service(name: &str, i: usize) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  annotations: {{argocd.argoproj.io/sync-wave: \"2\"}}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      serviceAccountName: {name}
      containers:
      - name: app
        image: registry.example.com/{name}:v1.0.{i}
        envFrom: [{{configMapRef: {{name: {name}}}}}]
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: 2
  maxReplicas: 4
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}}}
spec: {{minAvailable: 1, selector: {{matchLabels: {{app: {name}}}}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: {name}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}, annotations: {{argocd.argoproj.io/sync-wave: \"1\"}}}}
data: {{LOG_LEVEL: info}}
"
    )
}

/// Other shapes of a large repository, for the scaling check: `loose` is N
/// directories of plain manifests (no Kustomize, as hand-applied `k8s/`
/// trees are); `single` is one kustomization listing N services' files (a
/// cluster-wide root kustomization).
#[allow(dead_code)]
pub fn generate_shape(root: &Path, shape: &str, services: usize) {
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let mut resources = String::from("namespace: shop\nresources:\n");
    for i in 0..services {
        let name = format!("svc{i:05}");
        let text = plain_service(&name, i);
        match shape {
            "loose" => write(&root.join(format!("k8s/{name}/app.yaml")), &text),
            "single" => {
                write(&root.join(format!("cluster/{name}/app.yaml")), &text);
                resources.push_str(&format!("- {name}/app.yaml\n"));
            }
            other => panic!("unknown shape {other}"),
        }
    }
    if shape == "single" {
        write(&root.join("cluster/kustomization.yaml"), &resources);
    }
}
