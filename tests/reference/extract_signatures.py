"""hnn-core 0.6.1's public call shapes -> tests/fixtures/signatures/hnn_core_0.6.1.json.

Run with the venv that has hnn-core 0.6.1:
    /work/venv-hnn/bin/python tests/reference/extract_signatures.py

Every public function of the `hnn_core` namespace (and of hnn_core.viz) and every public
method of its public classes, with each parameter's name, kind (positional_or_keyword,
keyword_only, var_positional, var_keyword) and whether it has a default, from
inspect.signature. tests/signatures.rs walks the file.
"""
import inspect
import json
import os

import hnn_core
import hnn_core.cell_response
import hnn_core.dipole
import hnn_core.extracellular
import hnn_core.viz

KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def params(fn, drop_self):
    sig = inspect.signature(fn)
    out = []
    for i, (name, p) in enumerate(sig.parameters.items()):
        if drop_self and i == 0:
            continue
        out.append({
            "name": name,
            "kind": KINDS[p.kind],
            "required": p.default is inspect.Parameter.empty
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL,
                               inspect.Parameter.VAR_KEYWORD),
        })
    return out


entries = []
seen = set()
for modname, mod in [("hnn_core", hnn_core), ("hnn_core.viz", hnn_core.viz),
                     ("hnn_core.extracellular", hnn_core.extracellular),
                     ("hnn_core.dipole", hnn_core.dipole),
                     ("hnn_core.cell_response", hnn_core.cell_response)]:
    for name in sorted(dir(mod)):
        if name.startswith("_"):
            continue
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            if (None, name) in seen or not obj.__module__.startswith("hnn_core"):
                continue
            seen.add((None, name))
            entries.append({"class": None, "name": name, "module": modname,
                            "params": params(obj, False)})
        elif (inspect.isclass(obj) and obj.__module__.startswith("hnn_core")
              and not name.endswith("Backend") and name != "NetworkPlotter"):
            for mname, m in sorted(vars(obj).items()):
                if mname.startswith("_"):
                    continue
                if isinstance(m, (staticmethod, classmethod)):
                    continue
                if inspect.isfunction(m):
                    key = (name, mname)
                    if key in seen:
                        continue
                    seen.add(key)
                    entries.append({"class": name, "name": mname, "module": modname,
                                    "params": params(m, True)})

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "signatures",
                   "hnn_core_%s.json" % hnn_core.__version__)
with open(out, "w") as f:
    json.dump({"hnn_core": hnn_core.__version__, "entries": entries}, f, indent=1)
print("%d signatures -> %s" % (len(entries), os.path.normpath(out)))
