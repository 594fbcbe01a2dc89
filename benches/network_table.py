"""Format the JSON lines of benches/compare_network.sh as a Markdown table."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
core = {r["case"]: r for r in rows if r["engine"] == "hnn-core"}
print("| case | engine | threads | median s | peak RSS MiB | speed-up vs hnn-core |")
print("|---|---|---|---|---|---|")
for r in rows:
    c = core.get(r["case"])
    if r["engine"] == "hnn-core":
        ratio = "1.0x"
    elif c:
        ratio = "%.1fx" % (c["median_s"] / r["median_s"])
    else:
        ratio = "n/a"
    print("| %s | %s | %d | %.3f | %.0f | %s |" % (r["case"], r["engine"], r["threads"], r["median_s"], r["peak_rss_mib"], ratio))
