"""Drive `hnn kernel` through jupyter's own client, as a notebook front end does.

Run by tests/kernel.rs with JUPYTER_PATH pointing at a freshly installed kernelspec `hnn`.
Every check raises on failure; the last line printed is a summary of timings.
"""

import base64
import os
import signal
import sys
import time

from jupyter_client import KernelManager
from jupyter_client.session import Session

TIMEOUT = 60


def log(*a):
    print(*a, flush=True)


def run(kc, code, timeout=TIMEOUT):
    """Execute `code`; return (reply content, iopub messages of this request)."""
    msg_id = kc.execute(code)
    return collect(kc, msg_id, timeout)


def collect(kc, msg_id, timeout=TIMEOUT):
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    msgs = []
    deadline = time.time() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return reply["content"], msgs


def of_type(msgs, t):
    return [m for m in msgs if m["msg_type"] == t]


def text_result(kc, code):
    reply, msgs = run(kc, code)
    assert reply["status"] == "ok", (code, reply)
    res = of_type(msgs, "execute_result")
    assert len(res) == 1, (code, [m["msg_type"] for m in msgs])
    return res[0]["content"]["data"]["text/plain"]


def check_basics(kc):
    kc.kernel_info()
    info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["protocol_version"] == "5.3", info
    assert info["implementation"] == "hnn", info
    li = info["language_info"]
    assert (li["name"], li["file_extension"], li["mimetype"]) == ("rhai", ".rhai", "text/x-rhai"), li

    reply, msgs = run(kc, "let x = 40; print(`x is ${x}`); x + 2")
    assert reply["status"] == "ok" and reply["execution_count"] >= 1, reply
    types = [m["msg_type"] for m in msgs]
    assert types[0] == "status" and msgs[0]["content"]["execution_state"] == "busy", types
    assert "execute_input" in types, types
    stream = of_type(msgs, "stream")
    assert stream and stream[0]["content"] == {"name": "stdout", "text": "x is 40\n"}, stream
    assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "42"
    count = reply["execution_count"]
    # a statement ending with ';' has no value; the count goes up
    reply, msgs = run(kc, "let y = x;")
    assert reply["execution_count"] == count + 1 and not of_type(msgs, "execute_result"), msgs
    # functions persist
    run(kc, "fn twice(v) { 2 * v }")
    assert text_result(kc, "twice(x)") == "80"
    # `exit` asks the front end to close, as at the prompt
    reply, _ = run(kc, "exit")
    assert reply["payload"] == [{"source": "ask_exit", "keepkernel": False}], reply
    log("execute, print, execution_count, kernel_info, exit: ok")


def check_figures(kc):
    reply, msgs = run(kc, "let net = jones_2009_model(#{ mesh_shape: [3, 3] });\nplot_cells(net)")
    assert reply["status"] == "ok", reply
    res = of_type(msgs, "execute_result")
    assert len(res) == 1 and not of_type(msgs, "display_data"), [m["msg_type"] for m in msgs]
    data = res[0]["content"]["data"]
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n", png[:8]
    assert data["image/svg+xml"].startswith("<svg"), data["image/svg+xml"][:40]
    # fig.show() and figures made with show: true come as display_data
    reply, msgs = run(kc, "let f = plot_cells(net, #{ show: false }); f.show();")
    disp = of_type(msgs, "display_data")
    assert len(disp) == 1 and "image/png" in disp[0]["content"]["data"], msgs
    log(f"figures: ok (PNG {len(png)} bytes)")


def check_errors(kc):
    reply, msgs = run(kc, "let a = 1;\nlet b = nope(a);")
    assert reply["status"] == "error", reply
    err = of_type(msgs, "error")
    assert len(err) == 1, msgs
    tb = "\n".join(err[0]["content"]["traceback"])
    assert "nope" in err[0]["content"]["evalue"] and ":2:" in tb and "^" in tb, err[0]["content"]
    reply, msgs = run(kc, "let = ;")
    assert reply["status"] == "error" and reply["ename"] == "SyntaxError", reply
    # stop_on_error: an execution queued behind a failing one is aborted (the failing one
    # runs a while first, so that the second has arrived, as with "run all cells")
    first = kc.execute("let c = 0; for i in 0..2000000 { c += 1; } nope();")
    second = kc.execute("let d = 1;")
    r1, _ = collect(kc, first)
    r2, _ = collect(kc, second)
    assert (r1["status"], r2["status"]) == ("error", "aborted"), (r1, r2)
    assert text_result(kc, "is_def_var(\"d\")") == "false"
    log("errors, stop_on_error: ok")


def check_completion(kc):
    code = "let n = jones_2009_mo"
    kc.complete(code, len(code))
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert c["status"] == "ok" and c["matches"] == ["jones_2009_model"], c
    assert (c["cursor_start"], c["cursor_end"]) == (8, len(code)), c
    # variables of the session complete too
    kc.complete("twi", 3)
    assert "twice" in kc.get_shell_msg(timeout=TIMEOUT)["content"]["matches"]
    for code, want in [("let v = [1,", "incomplete"), ("let v = 1;", "complete"),
                       ("fn f() {", "incomplete"), ("let = ;", "invalid")]:
        kc.is_complete(code)
        got = kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"]
        assert got == want, (code, got, want)
    kc.inspect("simulate_dipole(net)", 3)
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert c["found"] and "tstop" in c["data"]["text/plain"], c
    kc.history()
    assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok"
    kc.comm_info()
    assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["comms"] == {}
    log("complete, is_complete, inspect, history, comm_info: ok")


LONG_SIM = "let dpls = simulate_dipole(net_big, #{ tstop: 2000.0 });"


def interrupt_long_simulation(kc, interrupt, how):
    """Start a long simulation, interrupt it after 1.5 s; returns the latency [s]."""
    msg_id = kc.execute(LONG_SIM)
    started = time.time()
    progress = []
    while time.time() - started < 1.5:
        try:
            m = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            continue
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] in (
                "display_data", "update_display_data"):
            progress.append((time.time(), m))
    t0 = time.time()
    interrupt()
    reply, msgs = collect(kc, msg_id)
    latency = time.time() - t0
    assert reply["status"] == "error" and reply["ename"] == "Interrupted", reply
    assert latency < 1.0, f"{how}: interrupt took {latency:.3f} s"
    # the progress line: shown within the first 1.5 s, throttled, and not at 100 %
    progress += [(time.time(), m) for m in msgs
                 if m["msg_type"] in ("display_data", "update_display_data")]
    assert progress and progress[0][1]["msg_type"] == "display_data", progress
    ids = {m["content"]["transient"]["display_id"] for _, m in progress}
    assert len(ids) == 1, ids
    span = max(progress[-1][0] - progress[0][0], 0.2)
    assert len(progress) <= 5 * span + 3, f"{len(progress)} progress messages in {span:.1f} s"
    shown = [m["content"]["data"]["text/plain"] for _, m in progress]
    assert "stopped" in shown[-1], shown[-1]
    pct = [int(s.split("]")[1].split("%")[0]) for s in shown if "%" in s]
    # 1.5 s done at well under 30 %: the whole run would last more than 5 s
    assert pct and pct[-1] < 30, shown
    log(f"{how}: stopped {latency * 1000:.0f} ms after the request, at {pct[-1]} % "
        f"({len(progress)} progress messages)")
    return latency


def check_interrupts(kc, km):
    # driven: cells that receive nothing are stepped as one (CellGroup::share_while_identical)
    run(kc, "let net_big = jones_2009_model(); add_erp_drives_to_jones_model(net_big);")
    lat_msg = interrupt_long_simulation(kc, km.interrupt_kernel, "interrupt_request")
    # the variables are kept, the engine works
    assert text_result(kc, "x") == "40"
    assert text_result(kc, "is_def_var(\"dpls\")") == "false"
    pid = km.provisioner.pid
    lat_sig = interrupt_long_simulation(kc, lambda: os.kill(pid, signal.SIGINT), "SIGINT")
    assert text_result(kc, "twice(x)") == "80"
    return lat_msg, lat_sig


def check_refusals(kc):
    # a message signed with another key is refused: its code never runs
    bad = Session(key=b"not the key", username="intruder")
    bad.send(kc.shell_channel.socket, "execute_request",
             {"code": "let hacked = 1;", "silent": False, "store_history": True,
              "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    # garbage frames do not kill the kernel
    kc.shell_channel.socket.send_multipart([b"garbage"])
    kc.shell_channel.socket.send_multipart([b"<IDS|MSG>", b"", b"{", b"{}", b"{}", b"{}"])
    # signed but odd requests get an answer or are ignored; none stops the kernel
    sock = kc.shell_channel.socket
    kc.session.send(sock, "no_such_request", {})
    kc.session.send(sock, "complete_request", {"code": "jon", "cursor_pos": -5})
    kc.session.send(sock, "inspect_request", b"[1, 2]")
    kc.session.send(sock, "execute_request", {"code": 42})
    replies = [kc.get_shell_msg(timeout=TIMEOUT)["content"] for _ in range(3)]
    assert replies[0]["matches"] == ["jones_2009_model"], replies[0]
    assert replies[1]["found"] is False, replies[1]
    assert replies[2]["status"] == "error" and replies[2]["ename"] == "MessageError", replies[2]
    time.sleep(0.3)
    assert text_result(kc, "is_def_var(\"hacked\")") == "false"
    assert kc.hb_channel.is_beating()
    log("bad signature refused, malformed frames skipped, odd requests answered, heartbeat: ok")


def check_restart(km, kc):
    old = km.provisioner.pid
    t0 = time.time()
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    took = time.time() - t0
    new = km.provisioner.pid
    assert new != old, (old, new)
    try:
        os.kill(old, 0)
        raise AssertionError(f"old kernel {old} still running")
    except ProcessLookupError:
        pass
    # a fresh scope
    assert text_result(kc, "is_def_var(\"x\")") == "false"
    assert text_result(kc, "1 + 1") == "2"
    # the kernel ended by itself (a kill comes only after 5 s)
    assert took < 4.5, f"restart took {took:.1f} s"
    log(f"restart: ok in {took:.2f} s")
    return took


def main():
    t_start = time.time()
    km = KernelManager(kernel_name="hnn")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        log(f"kernel ready in {time.time() - t_start:.2f} s")
        check_basics(kc)
        check_figures(kc)
        check_errors(kc)
        check_completion(kc)
        lat_msg, lat_sig = check_interrupts(kc, km)
        check_refusals(kc)
        took = check_restart(km, kc)
        # shutdown: a reply on control, then the process ends by itself
        t0 = time.time()
        kc.shutdown(restart=False)
        rep = kc.control_channel.get_msg(timeout=TIMEOUT)
        while rep["msg_type"] != "shutdown_reply":
            rep = kc.control_channel.get_msg(timeout=TIMEOUT)
        assert rep["content"] == {"status": "ok", "restart": False}, rep["content"]
        while km.is_alive() and time.time() - t0 < 4.5:
            time.sleep(0.02)
        down = time.time() - t0
        assert not km.is_alive(), f"the kernel still runs {down:.1f} s after shutdown"
        km.cleanup_resources()
    finally:
        kc.stop_channels()
        if km.has_kernel and km.is_alive():
            km.shutdown_kernel(now=True)
    log(f"all ok in {time.time() - t_start:.1f} s: interrupt_request {lat_msg * 1000:.0f} ms, "
        f"SIGINT {lat_sig * 1000:.0f} ms, restart {took:.2f} s, shutdown {down:.2f} s")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the test prints the reason
        import traceback
        traceback.print_exc()
        sys.exit(1)
