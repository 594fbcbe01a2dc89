//! Event queue for synaptic events, with NEURON's fixed-step delivery rule.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A synaptic event: at `time`, add `weight` (µS) to synapse instance `target`.
#[derive(Debug, Clone, Copy)]
pub struct SynEvent {
    /// Arrival time [ms].
    pub time: f64,
    /// Synapse instance in the group.
    pub target: u32,
    /// NetCon weight [µS].
    pub weight: f64,
    /// Insertion order (ties are delivered first-in, first-out).
    seq: u64,
}

impl PartialEq for SynEvent {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for SynEvent {}
impl PartialOrd for SynEvent {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for SynEvent {
    fn cmp(&self, o: &Self) -> Ordering {
        // reversed: BinaryHeap is a max-heap, we want the earliest first
        o.time.total_cmp(&self.time).then(o.seq.cmp(&self.seq))
    }
}

/// A time-ordered queue of synaptic events.
#[derive(Debug, Clone, Default)]
pub struct EventQueue {
    heap: BinaryHeap<SynEvent>,
    seq: u64,
}

impl EventQueue {
    /// Queue an event.
    pub fn push(&mut self, time: f64, target: u32, weight: f64) {
        self.heap.push(SynEvent {
            time,
            target,
            weight,
            seq: self.seq,
        });
        self.seq += 1;
    }

    /// Pop the next event due by `until` (an event at `t_e` is due when `t_e <= until`).
    #[inline]
    pub fn pop_due(&mut self, until: f64) -> Option<SynEvent> {
        if self.heap.peek().is_some_and(|e| e.time <= until) {
            self.heap.pop()
        } else {
            None
        }
    }

    /// Number of queued events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Reserve room for `n` more events.
    pub fn reserve(&mut self, n: usize) {
        self.heap.reserve(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_in_time_order() {
        let mut q = EventQueue::default();
        q.push(2.0, 0, 1.0);
        q.push(1.0, 1, 1.0);
        q.push(1.0, 2, 1.0);
        assert!(q.pop_due(0.5).is_none());
        assert_eq!(q.pop_due(1.0).unwrap().target, 1);
        assert_eq!(q.pop_due(1.0).unwrap().target, 2);
        assert!(q.pop_due(1.5).is_none());
        assert_eq!(q.pop_due(2.0).unwrap().target, 0);
        assert!(q.is_empty());
    }
}
