//! Which thread steps which cell group in an epoch.
//!
//! A network's groups cost very different amounts per step (an L5 pyramidal group of 16 cells
//! about three times an L2 one, a basket group almost nothing), and the costliest are a tenth
//! of the work each: split by position, one thread ends its epoch long before the other.
//! [`Balancer`] measures how long each group took in the last epoch and deals the groups to
//! the threads, costliest first, each to the least loaded thread (longest processing time
//! first). Groups are independent within an epoch, so the assignment never changes a number;
//! only the wall time.

use std::time::Duration;

/// The measured cost of every group and the assignment derived from it.
#[derive(Debug, Clone)]
pub struct Balancer {
    /// Seconds of the group's last measured epoch, or its compartment count before any.
    cost: Vec<f64>,
}

impl Balancer {
    /// Before any measurement the cost of a group is its number of compartments.
    pub fn new(compartments: impl IntoIterator<Item = usize>) -> Self {
        Balancer {
            cost: compartments.into_iter().map(|n| n as f64).collect(),
        }
    }

    /// The thread (`0..threads`) of every group: costliest first, each to the thread with
    /// the least work so far (ties to the lower thread, so the result is deterministic).
    pub fn assign(&self, threads: usize) -> Vec<usize> {
        let threads = threads.max(1);
        let mut order: Vec<usize> = (0..self.cost.len()).collect();
        order.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(a.cmp(&b)));
        let mut load = vec![0.0f64; threads];
        let mut out = vec![0; self.cost.len()];
        for g in order {
            let t = (0..threads)
                .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
                .unwrap_or(0);
            load[t] += self.cost[g];
            out[g] = t;
        }
        out
    }

    /// Record how long each group took in the epoch just stepped (`(group, time)`; every
    /// group is stepped in every epoch, so the first call replaces every compartment count).
    pub fn measured(&mut self, times: impl IntoIterator<Item = (usize, Duration)>) {
        for (g, t) in times {
            self.cost[g] = t.as_secs_f64();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deals_the_costliest_first_to_the_least_loaded() {
        // position split would give [5, 5] vs [1, 1]; dealing gives 6 and 6
        let b = Balancer::new([5, 5, 1, 1]);
        assert_eq!(b.assign(2), vec![0, 1, 0, 1]);
        assert_eq!(b.assign(1), vec![0, 0, 0, 0]);
        let mut b = b;
        b.measured([
            (0, Duration::from_millis(1)),
            (1, Duration::from_millis(9)),
            (2, Duration::from_millis(4)),
            (3, Duration::from_millis(4)),
        ]);
        assert_eq!(b.assign(2), vec![1, 0, 1, 1]);
    }
}
