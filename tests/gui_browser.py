"""The ERP GUI tutorial in a real browser (headless Chromium driven by Playwright).

Started by tests/gui.rs with a running `hnn gui`: HNN_GUI_URL (with its token),
HNN_GUI_PROJECT, HNN_BIN (the hnn binary), HNN_DATA (yes_trial_S1_ERP_all_avg.txt),
HNN_PARAM (ERPYes100Trials.param), HNN_NETFILE (a network JSON with every drive type and
a tonic bias), HNN_SHOTS (where screenshots go).
Fails on any page error, console error or HTTP 5xx.
"""
import filecmp
import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlsplit

from playwright.sync_api import expect, sync_playwright

URL = os.environ["HNN_GUI_URL"]
PROJECT = os.environ["HNN_GUI_PROJECT"]
HNN = os.environ["HNN_BIN"]
DATA = os.environ["HNN_DATA"]
PARAM = os.environ["HNN_PARAM"]
NETFILE = os.environ["HNN_NETFILE"]
SHOTS = os.environ["HNN_SHOTS"]
BASE = "{0.scheme}://{0.netloc}".format(urlsplit(URL))
CHROMIUM = next(p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                if os.path.exists(p))
problems = []


def step(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def wait_run(page, n, status="done", timeout=180_000):
    expect(page.get_by_test_id(f"run-{n}").locator("td").nth(2)).to_have_text(status, timeout=timeout)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # refusals the journey asks for (403 without the token, 400 for bad input) log
    # "Failed to load resource" with a 4xx; anything else is a problem
    page.on("console", lambda m: m.type == "error" and "status of 4" not in m.text
            and problems.append(f"console: {m.text}"))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"HTTP {r.status} {r.url}"))

    step("without the token the page is refused")
    r = page.goto(BASE + "/")
    assert r.status == 403, r.status
    problems.clear()  # the refusal itself logs a console error

    step("open with the token")
    page.goto(URL)
    expect(page.get_by_test_id("sim-tstop")).to_have_value("170")
    expect(page.get_by_test_id("drive-evprox1")).to_have_count(1)
    shot(page, "01-simulation")

    step("(1) load the recorded ERP")
    page.get_by_test_id("load-data").set_input_files(DATA)
    expect(page.get_by_test_id("data-msg")).to_have_text("loaded as data_1", timeout=60_000)

    step("a malformed upload is named")
    page.get_by_test_id("load-data").set_input_files(
        files=[{"name": "broken.txt", "mimeType": "text/plain", "buffer": b"0 1\nx y z\n"}])
    expect(page.get_by_test_id("data-msg")).to_contain_text("broken.txt", timeout=60_000)

    step("(2) load the tutorial's drives (ERPYes100Trials)")
    page.get_by_test_id("tab-drives").click()
    page.get_by_test_id("load-drives").set_input_files(PARAM)
    expect(page.get_by_test_id("drives-msg")).to_contain_text("drives loaded", timeout=60_000)
    page.get_by_test_id("drive-evprox1").locator("summary").click()
    expect(page.get_by_test_id("drive-evprox1").locator("[data-field$='.mu']")).to_be_visible()
    shot(page, "02-drives")

    step("bad input: tstop 0 gets a message and nothing runs")
    page.get_by_test_id("tab-sim").click()
    page.get_by_test_id("sim-tstop").fill("0")
    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("err-sim.tstop")).to_be_visible()
    expect(page.locator("#runs tbody tr")).to_have_count(0)
    shot(page, "03-bad-input")
    page.get_by_test_id("sim-tstop").fill("170")

    step("(3) run ERPyes")
    page.get_by_test_id("sim-name").fill("ERPyes")
    t0 = time.time()
    page.get_by_test_id("run").click()
    wait_run(page, 1)
    expect(page.get_by_test_id("figure-1").locator("img")).to_be_visible()
    step(f"run 1 done in {time.time() - t0:.1f} s (request to figure)")
    shot(page, "04-run")

    step("add a drive and change a weight, run again")
    page.get_by_test_id("tab-drives").click()
    page.get_by_test_id("drive-kind").select_option("evoked")
    page.get_by_test_id("drive-location").select_option("distal")
    n = page.locator("#drives details").count()
    page.get_by_test_id("add-drive").click()
    expect(page.locator("#drives details")).to_have_count(n + 1)
    page.get_by_test_id(f"drive-{n}-mu").fill("100")
    page.get_by_test_id(f"drive-{n}-weights_ampa-L5_pyramidal").fill("0.05")
    shot(page, "05-drive-added")
    page.get_by_test_id("tab-network").click()
    page.get_by_test_id("gain-e_e").fill("1.2")
    # the final weight read-out: the weight times the gain the run will use
    expect(page.get_by_test_id("conn-L2_pyramidal-L2_pyramidal-proximal-ampa-final")).to_have_text("0.0006")
    shot(page, "06-network")
    page.get_by_test_id("tab-sim").click()
    page.get_by_test_id("sim-name").fill("ERPyes-extra")
    page.get_by_test_id("run").click()
    wait_run(page, 2)

    step("(4) compare the two runs with the data: RMSE shown")
    page.get_by_test_id("tab-viz").click()
    page.get_by_test_id("fig-template").select_option("Compare runs (dipoles)")
    page.get_by_test_id("fig-run-1").check()
    page.get_by_test_id("fig-run-2").check()
    page.get_by_test_id("fig-data").select_option("1")
    page.get_by_test_id("make-figure").click()
    expect(page.get_by_test_id("metrics-table").locator("td.rmse")).to_have_count(2, timeout=60_000)
    rmse = page.get_by_test_id("metrics-table").locator("td.rmse").first.inner_text()
    assert float(rmse) > 0, rmse
    step(f"RMSE of run 1 against the data: {rmse}")
    page.get_by_test_id("fig-template").select_option("Dipole Layers (3x1)")
    page.get_by_test_id("make-figure").click()
    expect(page.locator(".figure")).to_have_count(4, timeout=60_000)
    shot(page, "07-compare")

    step("hnn-core's per-axis editing: a blank layout filled axis by axis")
    page.get_by_test_id("fig-template").select_option("[Blank] 2row x 1col (1:3)")
    page.get_by_test_id("make-figure").click()
    expect(page.locator(".figure")).to_have_count(5, timeout=60_000)
    expect(page.get_by_test_id("ax-figure")).to_have_value("5", timeout=30_000)
    expect(page.get_by_test_id("ax-present")).to_have_text("This axis is empty.")
    page.get_by_test_id("ax-axis").select_option("1")
    page.get_by_test_id("ax-plot").select_option("current dipole")
    page.get_by_test_id("ax-run").select_option("1")
    page.get_by_test_id("fig-data").select_option("1")
    page.get_by_test_id("fig-data-smooth").fill("abc")
    page.get_by_test_id("ax-add").click()
    expect(page.get_by_test_id("err-fig.data_smooth")).to_be_visible()
    page.get_by_test_id("fig-data-smooth").fill("5")
    page.get_by_test_id("ax-add").click()
    expect(page.get_by_test_id("ax-present")).to_contain_text("data: yes_trial_S1_ERP_all_avg.txt", timeout=60_000)
    expect(page.get_by_test_id("figure-5").locator("img")).to_have_attribute("data-rev", "1")
    expect(page.get_by_test_id("rmse-5")).to_contain_text("RMSE")
    page.get_by_test_id("ax-axis").select_option("0")
    page.get_by_test_id("ax-plot").select_option("input histogram")
    page.get_by_test_id("ax-add").click()
    expect(page.get_by_test_id("ax-present")).to_contain_text("input histogram: ERPyes", timeout=60_000)
    step("a second plot on a histogram's axis is refused; Clear axis empties it")
    page.get_by_test_id("ax-plot").select_option("current dipole")
    page.get_by_test_id("ax-add").click()
    expect(page.get_by_test_id("err-ax.plot")).to_contain_text("clear the axis")
    page.get_by_test_id("ax-clear").click()
    expect(page.get_by_test_id("ax-present")).to_have_text("This axis is empty.", timeout=60_000)
    page.get_by_test_id("ax-plot").select_option("spikes with dipoles")
    page.get_by_test_id("fig-marker-size").fill("3")
    page.get_by_test_id("ax-add").click()
    expect(page.get_by_test_id("ax-present")).to_contain_text("spikes with dipoles: ERPyes", timeout=60_000)
    page.get_by_test_id("fig-template").select_option("Dipole Layers-Spikes (1x1)")
    page.get_by_test_id("fig-cmap").select_option("magma")
    page.get_by_test_id("make-figure").click()
    expect(page.locator(".figure")).to_have_count(6, timeout=60_000)
    shot(page, "07b-axis-editing")

    step("stop a long run")
    page.get_by_test_id("tab-sim").click()
    page.get_by_test_id("sim-tstop").fill("3000")
    page.get_by_test_id("sim-smooth").fill("0")
    page.get_by_test_id("sim-name").fill("long")
    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("status")).to_contain_text("%", timeout=60_000)
    t0 = time.time()
    page.get_by_test_id("stop").click()
    wait_run(page, 3, "stopped", timeout=30_000)
    step(f"stopped {1000 * (time.time() - t0):.0f} ms after the click")
    shot(page, "08-stopped")
    page.get_by_test_id("sim-tstop").fill("170")
    page.get_by_test_id("sim-smooth").fill("30")

    step("maximize_psd's bands and CMA's settings are checked at their fields")
    page.get_by_test_id("sim-name").fill("ERPyes")
    page.get_by_test_id("tab-opt").click()
    page.get_by_test_id("opt-obj").select_option("maximize_psd")
    page.get_by_test_id("opt-solver").select_option("cma")
    page.get_by_test_id("opt-band2").check()
    page.get_by_test_id("opt-prop1").fill("0.5")
    page.get_by_test_id("opt-prop2").fill("0.6")
    page.get_by_test_id("opt-popsize").fill("1")
    page.get_by_test_id("opt-evprox1-mu").check()
    page.get_by_test_id("optimize").click()
    expect(page.get_by_test_id("err-opt.prop2")).to_be_visible()
    expect(page.get_by_test_id("err-opt.popsize")).to_be_visible()
    shot(page, "09a-optimization-psd-cma")
    expect(page.locator("#runs tbody tr")).to_have_count(3)
    page.get_by_test_id("opt-obj").select_option("dipole_rmse")

    step("optimise evprox1's timing for 5 iterations")
    page.get_by_test_id("opt-solver").select_option("cobyla")
    page.get_by_test_id("opt-iter").fill("5")
    page.get_by_test_id("opt-data").select_option("1")
    shot(page, "09-optimization")
    page.get_by_test_id("optimize").click()
    wait_run(page, 4, timeout=400_000)
    expect(page.locator(".figure", has_text="fit 1: ERPyes_optimized").locator("img")).to_be_visible(timeout=60_000)
    expect(page.locator(".figure", has_text="fit 1: convergence").locator("img")).to_be_visible(timeout=60_000)
    step("the best parameters are written back into the drives")
    expect(page.get_by_test_id("opt-progress")).to_contain_text("drives updated: evprox1.mu = ", timeout=30_000)
    best = page.get_by_test_id("opt-progress").inner_text().split("evprox1.mu = ")[1].split(",")[0].strip()
    page.get_by_test_id("tab-drives").click()
    expect(page.get_by_test_id("drive-evprox1").locator("[data-field$='.mu']")).to_have_value(best)
    step(f"evprox1.mu is now {best}")
    shot(page, "10-optimized")

    step("load a network file (connectivity) and its drives, tonic bias included; run it")
    page.get_by_test_id("tab-network").click()
    page.get_by_test_id("load-network").set_input_files(NETFILE)
    expect(page.get_by_test_id("network-msg")).to_contain_text("connections loaded", timeout=60_000)
    expect(page.get_by_test_id("network-base")).to_contain_text("data/net_drives.json")
    shot(page, "06b-network-loaded")
    page.get_by_test_id("tab-drives").click()
    page.get_by_test_id("load-drives").set_input_files(NETFILE)
    expect(page.get_by_test_id("drives-msg")).to_contain_text("4 drives loaded", timeout=60_000)
    page.get_by_test_id("drive-tonic").locator("summary").click()
    expect(page.get_by_test_id("drive-tonic").locator("[data-field$='amplitude.L5_pyramidal']")).to_have_value("0.1")
    shot(page, "02b-drives-tonic")
    page.get_by_test_id("tab-sim").click()
    page.get_by_test_id("sim-tstop").fill("60")
    page.get_by_test_id("sim-name").fill("netfile")
    page.get_by_test_id("run").click()
    wait_run(page, 5)
    page.get_by_test_id("sim-tstop").fill("170")

    step("remove the loaded data")
    page.get_by_test_id("remove-data-1").click()
    expect(page.get_by_test_id("data-list").locator("tr")).to_have_count(0, timeout=30_000)

    step("save run 1's outputs, export the script")
    page.get_by_test_id("tab-sim").click()
    page.get_by_test_id("save-run").select_option("1")
    page.get_by_test_id("save").click()
    page.get_by_test_id("save-run").select_option("5")
    page.get_by_test_id("save").click()
    step("the saved files and the fit's history are offered as downloads")
    expect(page.get_by_test_id("saved-1_ERPyes_dipole_trial0.txt")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("saved-fit_1_history.txt")).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_test_id("saved-1_ERPyes_dipole_trial0.txt").click()
    assert filecmp.cmp(dl.value.path(), os.path.join(PROJECT, "outputs", "1_ERPyes_dipole_trial0.txt"), shallow=False)
    shot(page, "12-saved")
    page.get_by_test_id("tab-script").click()
    expect(page.locator("#script .entry.queued, #script .entry.running")).to_have_count(0, timeout=60_000)
    shot(page, "11-script")
    page.get_by_test_id("tab-sim").click()
    with page.expect_download() as dl:
        page.get_by_test_id("export").click()
    exported = os.path.join(PROJECT, "exported.rhai")
    dl.value.save_as(exported)
    browser.close()

step("run the exported script with `hnn run`: identical outputs")
gui_out = os.path.join(PROJECT, "outputs_gui")
shutil.move(os.path.join(PROJECT, "outputs"), gui_out)
os.makedirs(os.path.join(PROJECT, "outputs"))
t0 = time.time()
subprocess.run([HNN, "run", "exported.rhai"], cwd=PROJECT, check=True,
               env={**os.environ, "HNN_NO_PROGRESS": "1"}, stdout=subprocess.DEVNULL)
step(f"hnn run exported.rhai: {time.time() - t0:.1f} s")
names = sorted(os.listdir(gui_out))
assert len(names) >= 2, names
match, mismatch, errors = filecmp.cmpfiles(gui_out, os.path.join(PROJECT, "outputs"), names, shallow=False)
assert not mismatch and not errors, (mismatch, errors)
step(f"{len(match)} files identical: {', '.join(match)}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("browser journey passed")
