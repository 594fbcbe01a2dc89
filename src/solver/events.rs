//! Event queue for synaptic events, with NEURON's fixed-step delivery rule.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A synaptic event: at `time`, add `weight` (µS) to synapse entry `target` of the group.
#[derive(Debug, Clone, Copy)]
pub struct SynEvent {
    /// Arrival time [ms].
    pub time: f64,
    /// Synapse entry in the group's synapse arrays
    /// ([`crate::lower::network::synapse_entry`]).
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

/// A time-ordered queue of synaptic events, drained once per time step.
///
/// Delivery is exactly that of one priority queue ordered by (time, insertion order): each
/// drain ([`EventQueue::pop_due`] with the step's `until`) yields every queued event with
/// `time <= until` in that order. Inside, events queued before the first drain (a
/// network's drive events, all known in advance) are sorted once; events queued later
/// (spikes of the network's own cells, due a synaptic delay later) go to buckets one step
/// wide, placed by an estimate that is never late: a drain takes its bucket, keeps what is
/// due, sorts it, and moves the rest on. Pushes and pops are then O(1) amortised instead of
/// a heap's O(log n), which matters when a step is cheap (coarse dt).
#[derive(Debug, Clone)]
pub struct EventQueue {
    /// Bucket width [ms] (the step); 0 puts every event in the next drain's bucket.
    step: f64,
    staged: Vec<SynEvent>,
    next: usize,
    started: bool,
    /// `buckets[k]` holds events estimated due at the drain after `k` more drains.
    buckets: std::collections::VecDeque<Vec<SynEvent>>,
    in_buckets: usize,
    /// `until` of the drain that `buckets[0]` feeds (estimated from the last drain).
    base: f64,
    /// The current drain's due events, sorted, read from `ready_next`.
    ready: Vec<SynEvent>,
    ready_next: usize,
    ready_until: f64,
    spare: Vec<Vec<SynEvent>>,
    /// Events beyond the buckets' horizon, earliest first.
    far: BinaryHeap<SynEvent>,
    seq: u64,
}

/// Buckets kept ahead of the next drain (steps); later events wait in a heap.
const HORIZON: usize = 4096;

fn earlier(a: &SynEvent, b: &SynEvent) -> Ordering {
    a.time.total_cmp(&b.time).then(a.seq.cmp(&b.seq))
}

impl Default for EventQueue {
    /// A queue without a known step (every later event is looked at by the next drain).
    fn default() -> Self {
        EventQueue::new(0.0)
    }
}

impl EventQueue {
    /// A queue drained every `step` ms.
    pub fn new(step: f64) -> EventQueue {
        EventQueue {
            step: if step.is_finite() && step > 0.0 {
                step
            } else {
                0.0
            },
            staged: Vec::new(),
            next: 0,
            started: false,
            buckets: std::collections::VecDeque::new(),
            in_buckets: 0,
            base: f64::NEG_INFINITY,
            ready: Vec::new(),
            ready_next: 0,
            ready_until: f64::NEG_INFINITY,
            spare: Vec::new(),
            far: BinaryHeap::new(),
            seq: 0,
        }
    }

    /// Queue an event.
    pub fn push(&mut self, time: f64, target: u32, weight: f64) {
        let e = SynEvent {
            time,
            target,
            weight,
            seq: self.seq,
        };
        self.seq += 1;
        if !self.started {
            self.staged.push(e);
            return;
        }
        if self.ready_next < self.ready.len() && time <= self.ready_until {
            // due in the drain under way: into its place among what is left of it
            let rest = &self.ready[self.ready_next..];
            let at = self.ready_next + rest.partition_point(|r| earlier(r, &e).is_lt());
            self.ready.insert(at, e);
            return;
        }
        // never late: one bucket early at most, moved on by the drain that finds it not due
        self.place(e);
    }

    /// Put a later event in its bucket, or among the far ones beyond the buckets' horizon
    /// (hnn-core's delays grow with distance: some events fall far beyond tstop).
    fn place(&mut self, e: SynEvent) {
        // buckets[j] feeds the drain with `until` ≈ base + j·step, the first one the event is
        // due at is j = ⌈(time − base)/step⌉; the estimate of base is off by round-off only,
        // far below the millionth of a step taken off, so the bucket is never after that
        // drain (at most one before it, and that drain moves the event on)
        let k = if self.step > 0.0 && e.time > self.base {
            let k = ((e.time - self.base) / self.step - 1e-6).ceil();
            if k.is_finite() {
                k.max(0.0) as usize
            } else {
                usize::MAX
            }
        } else {
            0
        };
        if k >= HORIZON {
            self.far.push(e);
            return;
        }
        while self.buckets.len() <= k {
            let b = self.spare.pop().unwrap_or_default();
            self.buckets.push_back(b);
        }
        self.buckets[k].push(e);
        self.in_buckets += 1;
    }

    /// Gather the events due by `until` into `ready`, sorted. `again`: a drain with this
    /// `until` already ran (only events queued since can be due; the buckets stay put).
    fn start_drain(&mut self, until: f64, again: bool) {
        self.ready.clear();
        self.ready_next = 0;
        self.ready_until = until;
        if !self.started {
            self.started = true;
            self.staged.sort_unstable_by(earlier);
        }
        while let Some(e) = self.staged.get(self.next) {
            if e.time > until {
                break;
            }
            self.ready.push(*e);
            self.next += 1;
        }
        if again {
            if let Some(f) = self.buckets.front_mut() {
                let before = f.len();
                let ready = &mut self.ready;
                f.retain(|e| {
                    let due = e.time <= until;
                    if due {
                        ready.push(*e);
                    }
                    !due
                });
                self.in_buckets -= before - f.len();
            }
            self.ready.sort_unstable_by(earlier);
            return;
        }
        if let Some(mut b) = self.buckets.pop_front() {
            self.in_buckets -= b.len();
            if self.ready.is_empty() && b.iter().all(|e| e.time <= until) {
                // the usual case: the whole bucket is due; it becomes the ready list
                std::mem::swap(&mut self.ready, &mut b);
                self.recycle(b);
                self.finish_drain(until);
                return;
            }
            let mut later = self.spare.pop().unwrap_or_default();
            for e in b.drain(..) {
                if e.time <= until {
                    self.ready.push(e);
                } else {
                    later.push(e);
                }
            }
            self.recycle(b);
            if !later.is_empty() {
                self.in_buckets += later.len();
                match self.buckets.front_mut() {
                    Some(f) => f.append(&mut later),
                    None => self.buckets.push_back(std::mem::take(&mut later)),
                }
            }
            self.recycle(later);
        }
        self.finish_drain(until);
    }

    /// Sort the drain's due events, and move the bucket estimate and the far events on.
    fn finish_drain(&mut self, until: f64) {
        self.ready.sort_unstable_by(earlier);
        // the next drain is about one step later
        self.base = until + self.step;
        let horizon = self.base + (HORIZON / 2) as f64 * self.step;
        while self.far.peek().is_some_and(|e| e.time <= horizon) {
            if let Some(e) = self.far.pop() {
                self.place(e);
            }
        }
    }

    /// Pop the next event due by `until` (an event at `t_e` is due when `t_e <= until`).
    /// A drain is the run of calls with one `until`; `until` never decreases.
    #[inline]
    pub fn pop_due(&mut self, until: f64) -> Option<SynEvent> {
        if self.ready_next >= self.ready.len() {
            if until != self.ready_until {
                self.start_drain(until, false);
            } else if self.pending_due(until) {
                self.start_drain(until, true);
            } else {
                return None;
            }
        } else if until != self.ready_until {
            // a new drain while the last one was left unfinished: what was left is due too
            let left: Vec<SynEvent> = self.ready.drain(self.ready_next..).collect();
            self.start_drain(until, false);
            self.ready.extend(left);
            self.ready.sort_unstable_by(earlier);
        }
        let e = self.ready.get(self.ready_next).copied();
        if e.is_some() {
            self.ready_next += 1;
        }
        e
    }

    /// Keep an emptied bucket's memory for a later bucket (a few are enough: as many as
    /// the longest delay spans steps).
    fn recycle(&mut self, b: Vec<SynEvent>) {
        if b.capacity() > 0 && self.spare.len() < 8 {
            self.spare.push(b);
        }
    }

    /// Whether anything queued since the drain with `until` began is due by it.
    fn pending_due(&self, until: f64) -> bool {
        self.staged.get(self.next).is_some_and(|e| e.time <= until)
            || self
                .buckets
                .front()
                .is_some_and(|b| b.iter().any(|e| e.time <= until))
    }

    /// Number of queued events.
    pub fn len(&self) -> usize {
        self.staged.len() - self.next + self.in_buckets + self.far.len() + self.ready.len()
            - self.ready_next
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reserve room for `n` more events.
    pub fn reserve(&mut self, n: usize) {
        if !self.started {
            self.staged.reserve(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_in_time_order() {
        let mut q = EventQueue::new(0.25);
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

    /// The queue against a plain heap of the same pushes, with `until` advanced as a cell
    /// group advances it (two half steps per step).
    fn matches_a_heap(step: f64, spread: f64) {
        let mut rng = 12345u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((rng >> 33) % 1000) as f64 / 1000.0
        };
        let mut q = EventQueue::new(step);
        let mut reference = BinaryHeap::new();
        let mut seq = 0u64;
        let mut push = |q: &mut EventQueue, r: &mut BinaryHeap<SynEvent>, t: f64, k: u32| {
            q.push(t, k, 1.0);
            r.push(SynEvent {
                time: t,
                target: k,
                weight: 1.0,
                seq,
            });
            seq += 1;
        };
        for k in 0..300 {
            // drive events, some at equal times
            let t = (next() * 40.0 * spread).round() / 4.0;
            push(&mut q, &mut reference, t, k);
        }
        let mut t = 0.0;
        let mut k = 300;
        let mut delivered = 0;
        while !q.is_empty() || t < 10.0 * spread {
            assert!(t < 10.0 * spread + 6000.0 * step, "the queue never empties");
            let until = t + 0.5 * step;
            while let Some(e) = q.pop_due(until) {
                let r = reference.pop().unwrap();
                assert_eq!((e.time, e.target), (r.time, r.target), "step {step}");
                delivered += 1;
            }
            assert!(reference.peek().is_none_or(|r| r.time > until));
            // spikes queue events a delay later: equal delays, a delay of exactly a step,
            // delays shorter than a step
            if t < 10.0 * spread {
                for d in [
                    1.0,
                    1.0,
                    step,
                    0.3 * step,
                    next() * 5.0 * spread,
                    5000.0 * step,
                ] {
                    push(&mut q, &mut reference, t + d, k);
                    k += 1;
                }
            }
            t += 0.5 * step;
            t += 0.5 * step;
        }
        assert!(reference.is_empty());
        assert!(delivered > 300);
    }

    #[test]
    fn events_queued_while_running_merge_with_those_queued_before() {
        for step in [0.5, 0.25, 0.1, 0.025] {
            matches_a_heap(step, 1.0);
        }
        matches_a_heap(0.025, 0.1);
    }
}
