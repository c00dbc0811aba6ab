//! Schema validation against the bundled schemas (library level; the `schema` rule's
//! line/column mapping is tested with the rules).

use ftlint::schema::{
    bundled_versions, default_version, KubeVersion, PathSeg, SchemaError, SchemaErrorKind,
    SchemaRegistry, Validation,
};
use serde_json::{json, Value};

fn reg() -> SchemaRegistry {
    SchemaRegistry::new(default_version(), true).unwrap()
}

fn errors(r: &SchemaRegistry, obj: &Value) -> Vec<SchemaError> {
    let api = obj["apiVersion"].as_str().unwrap();
    let kind = obj["kind"].as_str().unwrap();
    match r.validate(api, kind, obj) {
        Validation::Invalid(e) => e,
        other => panic!("expected errors, got {other:?}"),
    }
}

fn assert_valid(r: &SchemaRegistry, obj: &Value) {
    let api = obj["apiVersion"].as_str().unwrap();
    let kind = obj["kind"].as_str().unwrap();
    assert_eq!(r.validate(api, kind, obj), Validation::Valid, "{obj:#}");
}

fn keys(p: &[&str]) -> Vec<PathSeg> {
    p.iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSeg::Index(i),
            Err(_) => PathSeg::Key((*s).to_owned()),
        })
        .collect()
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                     "creationTimestamp": null},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "creationTimestamp": null},
                "spec": {"containers": [{
                    "name": "web", "image": "nginx:1.27",
                    "ports": [{"containerPort": 8080, "name": "http"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": 128, "cpu": 0.5}},
                    "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
                    "env": [{"name": "A", "value": "1"}]
                }]}
            }
        },
        "status": {}
    })
}

fn application() -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "web", "namespace": "argocd"},
        "spec": {
            "project": "shop",
            "source": {"repoURL": "https://github.com/org/gitops", "path": "apps/web", "targetRevision": "HEAD"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"},
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true},
                           "syncOptions": ["CreateNamespace=true"],
                           "retry": {"limit": 5, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}}}
        }
    })
}

#[test]
fn valid_deployment() {
    assert_valid(&reg(), &deployment());
}

#[test]
fn deployment_unknown_field_with_suggestion() {
    let mut d = deployment();
    let spec = d["spec"].as_object_mut().unwrap();
    let r = spec.remove("replicas").unwrap();
    spec.insert("replicass".into(), r);
    let e = errors(&reg(), &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].path, keys(&["spec", "replicass"]));
    assert_eq!(
        e[0].kind,
        SchemaErrorKind::UnknownField {
            field: "replicass".into(),
            suggestion: Some("replicas".into())
        }
    );
    assert_eq!(
        e[0].message,
        "unknown field `replicass` in Deployment.spec (did you mean `replicas`?)"
    );
}

#[test]
fn deployment_wrong_type() {
    let mut d = deployment();
    d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!("http");
    let e = errors(&reg(), &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].path,
        keys(&[
            "spec",
            "template",
            "spec",
            "containers",
            "0",
            "ports",
            "0",
            "containerPort"
        ])
    );
    assert_eq!(
        e[0].kind,
        SchemaErrorKind::WrongType {
            expected: "integer".into(),
            found: "string".into()
        }
    );
    assert_eq!(
        e[0].message,
        "`containerPort` must be an integer, found string \"http\""
    );
}

#[test]
fn deployment_missing_required() {
    let mut d = deployment();
    d["spec"].as_object_mut().unwrap().remove("selector");
    let e = errors(&reg(), &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].path, keys(&["spec"]));
    assert_eq!(
        e[0].message,
        "Deployment.spec is missing required field `selector`"
    );
}

#[test]
fn int_or_string_and_enum() {
    let mut d = deployment();
    d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = json!(true);
    d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("always");
    let e = errors(&reg(), &d);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_eq!(
        e[0].message,
        "`maxSurge` must be an integer or a string, found boolean true"
    );
    assert!(
        e[1].message.contains("`imagePullPolicy` must be one of `Always`, `IfNotPresent`, `Never`, found string \"always\" (did you mean `Always`?)"),
        "{}",
        e[1].message
    );
}

#[test]
fn non_strict_drops_only_unknown_fields() {
    let mut d = deployment();
    d["spec"]["replicass"] = json!(3);
    d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!("http");
    let strict = errors(&reg(), &d);
    assert_eq!(strict.len(), 2, "{strict:#?}");
    let lax = SchemaRegistry::new(default_version(), false).unwrap();
    let e = errors(&lax, &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(matches!(e[0].kind, SchemaErrorKind::WrongType { .. }));
}

#[test]
fn argocd_application_typo() {
    let r = reg();
    assert_valid(&r, &application());
    let mut a = application();
    a["spec"]["syncPolicy"]["automated"] = json!({"prun": true, "selfHeal": true});
    let e = errors(&r, &a);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].path,
        keys(&["spec", "syncPolicy", "automated", "prun"])
    );
    assert_eq!(
        e[0].kind,
        SchemaErrorKind::UnknownField {
            field: "prun".into(),
            suggestion: Some("prune".into())
        }
    );
    assert_eq!(
        e[0].message,
        "unknown field `prun` in Application.spec.syncPolicy.automated (did you mean `prune`?)"
    );
}

#[test]
fn crd_metadata_is_object_meta() {
    let mut a = application();
    a["metadata"]["lables"] = json!({"a": "b"});
    let e = errors(&reg(), &a);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        e[0].message,
        "unknown field `lables` in Application.metadata (did you mean `labels`?)"
    );
}

#[test]
fn kubeseal_output_is_clean() {
    // As written by `kubeseal -o yaml`.
    let s = json!({
        "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
        "metadata": {"creationTimestamp": null, "name": "db", "namespace": "shop"},
        "spec": {
            "encryptedData": {"password": "AgBy3i4OJSWK+PiTySYZZA=="},
            "template": {"metadata": {"creationTimestamp": null, "name": "db", "namespace": "shop"},
                         "type": "Opaque"}
        }
    });
    assert_valid(&reg(), &s);
}

#[test]
fn external_secrets_both_versions() {
    let r = reg();
    for api in ["external-secrets.io/v1", "external-secrets.io/v1beta1"] {
        let es = json!({
            "apiVersion": api, "kind": "ExternalSecret",
            "metadata": {"name": "db"},
            "spec": {"refreshInterval": "1h", "secretStoreRef": {"name": "aws", "kind": "ClusterSecretStore"},
                     "target": {"name": "db"},
                     "data": [{"secretKey": "password", "remoteRef": {"key": "prod/db", "property": "password"}}]}
        });
        assert_valid(&r, &es);
        let css = json!({
            "apiVersion": api, "kind": "ClusterSecretStore",
            "metadata": {"name": "aws"},
            "spec": {"provider": {"aws": {"service": "SecretsManager", "region": "eu-west-1"}}}
        });
        assert_valid(&r, &css);
    }
    assert_eq!(
        r.is_cluster_scoped("external-secrets.io/v1", "ClusterSecretStore"),
        Some(true)
    );
    assert_eq!(
        r.is_cluster_scoped("external-secrets.io/v1", "ExternalSecret"),
        Some(false)
    );
}

#[test]
fn crd_added_kind_validates() {
    let r = reg();
    let cr = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                    "metadata": {"name": "w"}, "spec": {"size": "big"}});
    assert_eq!(
        r.validate("example.com/v1", "Widget", &cr),
        Validation::UnknownKind
    );
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets"},
            "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                "type": "object", "properties": {"spec": {"type": "object",
                    "properties": {"size": {"type": "integer"},
                                   "port": {"x-kubernetes-int-or-string": true,
                                            "anyOf": [{"type": "integer"}, {"type": "string"}]},
                                   "extra": {"type": "object", "nullable": true,
                                             "x-kubernetes-preserve-unknown-fields": true}}}}}}}]}
    });
    let added = r.add_crd(&crd).unwrap();
    assert_eq!(
        added,
        vec![("example.com/v1".to_owned(), "Widget".to_owned())]
    );
    let e = errors(&r, &cr);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].path, keys(&["spec", "size"]));
    assert_eq!(
        e[0].message,
        "`size` must be an integer, found string \"big\""
    );
    let ok = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                    "metadata": {"name": "w", "creationTimestamp": null},
                    "spec": {"size": 3, "port": "http", "extra": {"anything": [1, 2]}}});
    assert_valid(&r, &ok);
    let null_extra = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                    "metadata": {"name": "w"}, "spec": {"extra": null}});
    assert_valid(&r, &null_extra);
    let typo = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                      "metadata": {"name": "w"}, "spec": {"sise": 3}});
    let e = errors(&r, &typo);
    assert_eq!(
        e[0].message,
        "unknown field `sise` in Widget.spec (did you mean `size`?)"
    );
}

#[test]
fn schema_dir_layout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("example.com")).unwrap();
    std::fs::write(
        dir.path().join("example.com/gadget_v1beta1.json"),
        r#"{"type": "object", "properties": {"spec": {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": false}}}"#,
    )
    .unwrap();
    let r = reg();
    assert_eq!(r.add_schema_dir(dir.path()).unwrap(), 1);
    assert!(r.known_kind("example.com/v1beta1", "Gadget"));
    let bad = json!({"apiVersion": "example.com/v1beta1", "kind": "Gadget", "metadata": {"name": "g"},
                     "spec": {"n": "x"}});
    let e = errors(&r, &bad);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].message, "`n` must be an integer, found string \"x\"");
}

#[test]
fn version_1_25_works() {
    let r = SchemaRegistry::new(KubeVersion::parse("1.25").unwrap(), true).unwrap();
    assert_valid(&r, &deployment());
    // batch/v1beta1 CronJob is gone in 1.25.
    assert_eq!(
        r.validate("batch/v1beta1", "CronJob", &json!({})),
        Validation::UnknownKind
    );
    // autoscaling/v2beta2 is still served in 1.25.
    assert!(r.known_kind("autoscaling/v2beta2", "HorizontalPodAutoscaler"));
    let r37 = reg();
    assert!(!r37.known_kind("autoscaling/v2beta2", "HorizontalPodAutoscaler"));
    assert_eq!(
        r37.api_versions_of("HorizontalPodAutoscaler"),
        vec!["autoscaling/v1", "autoscaling/v2"]
    );
}

#[test]
fn unbundled_version_lists_bundled_ones() {
    let err = match SchemaRegistry::new(KubeVersion::new(1, 12), true) {
        Err(e) => e,
        Ok(_) => panic!("1.12 is not bundled"),
    };
    assert!(err.contains("1.12"), "{err}");
    for v in bundled_versions() {
        assert!(err.contains(&v.to_string()), "{err}");
    }
}

#[test]
fn unknown_kind() {
    let r = reg();
    assert_eq!(
        r.validate("example.com/v1", "Nope", &json!({})),
        Validation::UnknownKind
    );
    assert!(!r.known_kind("example.com/v1", "Nope"));
    assert!(r.known_kind("argoproj.io/v1alpha1", "AppProject"));
    assert_eq!(r.is_cluster_scoped("v1", "Namespace"), Some(true));
    assert_eq!(r.is_cluster_scoped("apps/v1", "Deployment"), Some(false));
    assert_eq!(r.is_cluster_scoped("example.com/v1", "Nope"), None);
}

#[test]
fn kustomization_schema() {
    let r = reg();
    let k = json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                   "resources": ["deployment.yaml"], "namespace": "shop",
                   "images": [{"name": "web", "newTag": "1.2.3"}]});
    assert_eq!(r.validate_kustomization(&k), Validation::Valid);
    // All entries commented out: `components:` is null, which kustomize accepts.
    let nulls = json!({"resources": ["a.yaml"], "components": null});
    assert_eq!(r.validate_kustomization(&nulls), Validation::Valid);
    // patches with options (SchemaStore's valid fixture 2994, in substance).
    let patches = json!({"resources": ["deployment.yaml"], "patches": [{"path": "patch.yaml",
        "target": {"kind": "Deployment"}, "options": {"allowNameChange": true, "allowKindChange": true}}]});
    assert_eq!(r.validate_kustomization(&patches), Validation::Valid);
    let bad = json!({"resources": ["a.yaml"], "resorces": ["b.yaml"]});
    match r.validate_kustomization(&bad) {
        Validation::Invalid(e) => {
            assert_eq!(e.len(), 1, "{e:#?}");
            assert_eq!(
                e[0].kind,
                SchemaErrorKind::UnknownField {
                    field: "resorces".into(),
                    suggestion: Some("resources".into())
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn concurrent_use() {
    let r = reg();
    let d = deployment();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    assert_eq!(r.validate("apps/v1", "Deployment", &d), Validation::Valid);
                }
            });
        }
    });
}
