//! Where the kernel's messages go: signed frames queued for the socket tasks, from any
//! thread (the engine's, rayon's progress callbacks, the control task).

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::wire::{Header, Message, Signer, encode};

/// The sockets a reply can go out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Requests and their replies.
    Shell,
    /// Interrupts, shutdown.
    Control,
}

/// Signs messages and queues them for the socket tasks.
#[derive(Clone)]
pub struct Outbox {
    session: String,
    signer: Signer,
    iopub: UnboundedSender<Vec<Vec<u8>>>,
    shell: UnboundedSender<Vec<Vec<u8>>>,
    control: UnboundedSender<Vec<Vec<u8>>>,
}

impl Outbox {
    /// An outbox for the kernel session `session`, signing with `signer`.
    pub fn new(
        session: String,
        signer: Signer,
        iopub: UnboundedSender<Vec<Vec<u8>>>,
        shell: UnboundedSender<Vec<Vec<u8>>>,
        control: UnboundedSender<Vec<Vec<u8>>>,
    ) -> Outbox {
        Outbox {
            session,
            signer,
            iopub,
            shell,
            control,
        }
    }

    /// Broadcast `content` as a `msg_type` message on IOPub, caused by `parent`.
    pub fn publish(&self, parent: Option<&Header>, msg_type: &str, content: Value) {
        let m = Message::broadcast(parent, msg_type, content, &self.session);
        // a closed channel means the sockets are gone: the process is ending
        let _ = self.iopub.send(encode(&m, &self.signer));
    }

    /// The kernel's state (`busy`, `idle`, `starting`) while handling `parent`.
    pub fn status(&self, parent: Option<&Header>, state: &str) {
        self.publish(parent, "status", json!({ "execution_state": state }));
    }

    /// Answer `request` on `channel`.
    pub fn reply(&self, channel: Channel, request: &Message, msg_type: &str, content: Value) {
        let m = Message::reply(request, msg_type, content, &self.session);
        let frames = encode(&m, &self.signer);
        let _ = match channel {
            Channel::Shell => self.shell.send(frames),
            Channel::Control => self.control.send(frames),
        };
    }
}
