//! The sockets: a thread of their own running async tasks (shell, control, IOPub, stdin,
//! heartbeat), so that control — interrupt, shutdown — is served while the engine thread
//! runs a long execution.

use std::sync::mpsc::Sender;
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use zeromq::{
    PubSocket, RepSocket, RouterRecvHalf, RouterSendHalf, RouterSocket, Socket, SocketRecv,
    SocketSend, ZmqMessage,
};

use super::connection::ConnectionInfo;
use super::outbox::{Channel, Outbox};
use super::shell::{Kernel, kernel_info};
use super::wire::{Message, Signer, decode};
use crate::script::ScriptContext;

/// How long a shutdown waits for its reply to leave before the process ends.
const FLUSH: Duration = Duration::from_millis(200);

fn log(msg: &str) {
    eprintln!("[hnn kernel] {msg}");
}

/// Run the kernel described by `info` until a `shutdown_request`: the sockets on a thread of
/// their own, the session on this one.
pub fn run(info: ConnectionInfo, ctx: &ScriptContext) -> Result<(), String> {
    let signer = Signer::new(&info.key);
    let session_id = uuid::Uuid::new_v4().to_string();
    let (iopub_tx, iopub_rx) = unbounded_channel();
    let (shell_tx, shell_rx) = unbounded_channel();
    let (control_tx, control_rx) = unbounded_channel();
    let out = Outbox::new(session_id, signer.clone(), iopub_tx, shell_tx, control_tx);
    let mut kernel = Kernel::new(ctx, out.clone())?;
    let (requests_tx, requests_rx) = std::sync::mpsc::channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let queues = Queues {
        iopub: iopub_rx,
        shell: shell_rx,
        control: control_rx,
    };
    std::thread::Builder::new()
        .name("hnn-kernel-sockets".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("cannot start the socket runtime: {e}")));
                    return;
                }
            };
            rt.block_on(serve(info, signer, out, queues, requests_tx, ready_tx));
        })
        .map_err(|e| format!("cannot start the socket thread: {e}"))?;
    ready_rx
        .recv()
        .map_err(|_| "the socket thread ended before binding".to_string())??;
    kernel.run(requests_rx);
    Ok(())
}

struct Queues {
    iopub: UnboundedReceiver<Vec<Vec<u8>>>,
    shell: UnboundedReceiver<Vec<Vec<u8>>>,
    control: UnboundedReceiver<Vec<Vec<u8>>>,
}

async fn bind<S: Socket>(info: &ConnectionInfo, port: u16, name: &str) -> Result<S, String> {
    let mut s = S::new();
    let ep = info.endpoint(port);
    s.bind(&ep)
        .await
        .map_err(|e| format!("cannot bind the {name} socket to {ep}: {e}"))?;
    Ok(s)
}

async fn serve(
    info: ConnectionInfo,
    signer: Signer,
    out: Outbox,
    queues: Queues,
    requests: Sender<Message>,
    ready: Sender<Result<(), String>>,
) {
    let sockets = async {
        Ok::<_, String>((
            bind::<RouterSocket>(&info, info.shell_port, "shell").await?,
            bind::<RouterSocket>(&info, info.control_port, "control").await?,
            bind::<PubSocket>(&info, info.iopub_port, "iopub").await?,
            bind::<RouterSocket>(&info, info.stdin_port, "stdin").await?,
            bind::<RepSocket>(&info, info.hb_port, "heartbeat").await?,
        ))
    };
    let (shell, control, iopub, stdin, hb) = match sockets.await {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let (shell_send, shell_recv) = shell.split();
    let (control_send, control_recv) = control.split();
    tokio::spawn(forward(shell_send, queues.shell));
    tokio::spawn(forward(control_send, queues.control));
    tokio::spawn(publish(iopub, queues.iopub));
    tokio::spawn(heartbeat(hb));
    tokio::spawn(ignore_stdin(stdin));
    out.status(None, "starting");
    tokio::spawn(control_loop(control_recv, signer.clone(), out.clone()));
    shell_loop(shell_recv, signer, out, requests).await;
}

fn frames(m: ZmqMessage) -> Vec<Vec<u8>> {
    m.into_vec().into_iter().map(|b| b.to_vec()).collect()
}

fn zmq_message(frames: Vec<Vec<u8>>) -> Option<ZmqMessage> {
    let mut it = frames.into_iter();
    let mut m = ZmqMessage::from(it.next()?);
    for f in it {
        m.push_back(f.into());
    }
    Some(m)
}

/// Send what the outbox queued for a ROUTER socket.
async fn forward(mut sock: RouterSendHalf, mut queue: UnboundedReceiver<Vec<Vec<u8>>>) {
    while let Some(f) = queue.recv().await {
        if let Some(m) = zmq_message(f)
            && let Err(e) = sock.send(m).await
        {
            log(&format!("could not send a reply: {e}"));
        }
    }
}

async fn publish(mut sock: PubSocket, mut queue: UnboundedReceiver<Vec<Vec<u8>>>) {
    while let Some(f) = queue.recv().await {
        if let Some(m) = zmq_message(f)
            && let Err(e) = sock.send(m).await
        {
            log(&format!("could not publish: {e}"));
        }
    }
}

async fn heartbeat(mut sock: RepSocket) {
    loop {
        match sock.recv().await {
            Ok(m) => {
                if let Err(e) = sock.send(m).await {
                    log(&format!("heartbeat: {e}"));
                }
            }
            Err(e) => {
                log(&format!("heartbeat: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// The kernel never asks for input; messages on stdin are read and dropped.
async fn ignore_stdin(mut sock: RouterSocket) {
    loop {
        if sock.recv().await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Receive one signed message; malformed or badly signed ones are logged and skipped.
async fn receive(sock: &mut RouterRecvHalf, signer: &Signer, name: &str) -> Message {
    loop {
        match sock.recv().await {
            Ok(m) => match decode(frames(m), signer) {
                Ok(msg) => return msg,
                Err(e) => log(&format!("{name}: {e}")),
            },
            Err(e) => {
                log(&format!("{name}: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn shell_loop(
    mut sock: RouterRecvHalf,
    signer: Signer,
    out: Outbox,
    requests: Sender<Message>,
) {
    loop {
        let msg = receive(&mut sock, &signer, "shell").await;
        if msg.msg_type() == "shutdown_request" {
            shutdown(&out, Channel::Shell, &msg).await;
        } else if requests.send(msg).is_err() {
            return;
        }
    }
}

async fn control_loop(mut sock: RouterRecvHalf, signer: Signer, out: Outbox) {
    loop {
        let msg = receive(&mut sock, &signer, "control").await;
        let (reply_type, content) = match msg.msg_type() {
            "shutdown_request" => {
                shutdown(&out, Channel::Control, &msg).await;
                continue;
            }
            "interrupt_request" => {
                crate::interrupt::request();
                ("interrupt_reply", json!({ "status": "ok" }))
            }
            "kernel_info_request" => ("kernel_info_reply", kernel_info()),
            other => {
                log(&format!("ignored control message of type '{other}'"));
                continue;
            }
        };
        out.status(Some(&msg.header), "busy");
        out.reply(Channel::Control, &msg, reply_type, content);
        out.status(Some(&msg.header), "idle");
    }
}

/// Stop any running work, reply, and end the process (on restart the client starts a new
/// one).
async fn shutdown(out: &Outbox, channel: Channel, msg: &Message) {
    crate::interrupt::request();
    let restart = msg.content["restart"].as_bool().unwrap_or(false);
    out.status(Some(&msg.header), "busy");
    out.reply(
        channel,
        msg,
        "shutdown_reply",
        json!({ "status": "ok", "restart": restart }),
    );
    out.status(Some(&msg.header), "idle");
    tokio::time::sleep(FLUSH).await;
    std::process::exit(0);
}
