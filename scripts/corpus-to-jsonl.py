#!/usr/bin/env python3
"""Measuring aid for the schema validator: dump every Kubernetes object found in the
YAML/JSON files under DIR as JSON lines {"file", "doc", "obj"} (PyYAML, YAML 1.1 like
Kubernetes). Helm templates are skipped. Feed the output to
`FTLINT_CORPUS_JSONL=out.jsonl cargo test --release --test schema_corpus -- --ignored --nocapture`.
"""
import json, os, sys, datetime
import yaml

def default(o):
    if isinstance(o, (datetime.date, datetime.datetime)):
        return o.isoformat()
    return str(o)

root = sys.argv[1]
out = open(sys.argv[2], "w")
n = 0
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in (".git", "templates")]
    for f in files:
        if not f.endswith((".yaml", ".yml", ".json")):
            continue
        p = os.path.join(d, f)
        try:
            docs = list(yaml.safe_load_all(open(p, encoding="utf-8")))
        except Exception:
            continue
        for i, doc in enumerate(docs):
            if isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str):
                try:
                    line = json.dumps({"file": os.path.relpath(p, root), "doc": i, "obj": doc}, default=default)
                except Exception:
                    continue
                out.write(line + "\n")
                n += 1
print(n, "objects", file=sys.stderr)
