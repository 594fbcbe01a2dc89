//! Parameter grids: hnn-core's `BatchSimulate._generate_param_combinations` and the split
//! into batches.
//!
//! A grid is a list of (name, number of values); expansion gives, per simulation, the index
//! of each parameter's value, so the values themselves can be anything the caller holds
//! (numbers, strings, script values).

use crate::error::{Error, Result};

/// How the values of a grid are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Cartesian product in key order, the last key varying fastest (`combinations=True`).
    Product,
    /// The i-th value of every key together (`combinations=False`). hnn-core truncates
    /// silently to the shortest list; we refuse lists of different lengths.
    Zip,
}

/// Expand a grid of `(name, number of values)` into one index tuple per simulation.
///
/// Errors: an empty grid, a key without values, lists of different lengths under
/// [`Combine::Zip`], more than `limit` simulations.
pub fn expand(keys: &[(String, usize)], how: Combine, limit: usize) -> Result<Vec<Vec<usize>>> {
    if keys.is_empty() {
        return Err(Error::invalid(
            "param_grid",
            "{} (no parameters)",
            "a map of at least one parameter name to a list of values",
        ));
    }
    if let Some((name, _)) = keys.iter().find(|(_, n)| *n == 0) {
        return Err(Error::invalid(
            format!("param_grid.{name}"),
            "[] (no values)",
            "a list of at least one value",
        ));
    }
    match how {
        Combine::Zip => {
            let n0 = keys[0].1;
            if let Some((name, n)) = keys.iter().find(|(_, n)| *n != n0) {
                return Err(Error::invalid(
                    format!("param_grid.{name} with combinations: false"),
                    format!("{n} values"),
                    format!(
                        "{n0} values, as many as param_grid.{} (zipped lists must have equal lengths; hnn-core would truncate to the shortest)",
                        keys[0].0
                    ),
                ));
            }
            if n0 > limit {
                return Err(too_many(n0 as f64, limit));
            }
            Ok((0..n0).map(|i| vec![i; keys.len()]).collect())
        }
        Combine::Product => {
            let total = keys.iter().map(|(_, n)| *n as f64).product::<f64>();
            if total > limit as f64 {
                return Err(too_many(total, limit));
            }
            let total = total as usize;
            let mut out = Vec::with_capacity(total);
            let mut idx = vec![0usize; keys.len()];
            for _ in 0..total {
                out.push(idx.clone());
                // the last key varies fastest
                for k in (0..keys.len()).rev() {
                    idx[k] += 1;
                    if idx[k] < keys[k].1 {
                        break;
                    }
                    idx[k] = 0;
                }
            }
            Ok(out)
        }
    }
}

fn too_many(n: f64, limit: usize) -> Error {
    Error::invalid(
        "param_grid",
        format!("{n} simulations"),
        format!("at most {limit} simulations in one run"),
    )
}

/// Consecutive batches `[start, end)` of at most `batch_size` of `n` simulations (the last
/// holds the remainder, as in hnn-core).
pub fn batches(n: usize, batch_size: usize) -> Result<Vec<(usize, usize)>> {
    if batch_size == 0 {
        return Err(Error::invalid("batch_size", 0, "at least 1"));
    }
    let size = batch_size.min(n.max(1));
    Ok((0..n)
        .step_by(size)
        .map(|s| (s, (s + size).min(n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(a, b)| (a.to_string(), *b)).collect()
    }

    #[test]
    fn product_varies_the_last_key_fastest() {
        let e = expand(&k(&[("w", 3), ("x", 2)]), Combine::Product, 100).unwrap();
        assert_eq!(e[..3], [vec![0, 0], vec![0, 1], vec![1, 0]]);
        assert_eq!(e.len(), 6);
    }

    #[test]
    fn zip_pairs_and_refuses_unequal_lengths() {
        let e = expand(&k(&[("w", 3), ("x", 3)]), Combine::Zip, 100).unwrap();
        assert_eq!(e, vec![vec![0, 0], vec![1, 1], vec![2, 2]]);
        let msg = expand(&k(&[("w", 3), ("x", 2)]), Combine::Zip, 100)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("param_grid.x") && msg.contains("2 values"),
            "{msg}"
        );
    }

    #[test]
    fn empty_grids_and_huge_grids_are_errors() {
        assert!(expand(&[], Combine::Product, 10).is_err());
        assert!(expand(&k(&[("w", 0)]), Combine::Product, 10).is_err());
        let e = expand(
            &k(&[("a", 1 << 30), ("b", 1 << 30)]),
            Combine::Product,
            1000,
        );
        assert!(e.unwrap_err().to_string().contains("at most 1000"));
    }

    #[test]
    fn batches_end_exclusive_with_remainder() {
        assert_eq!(batches(3, 2).unwrap(), vec![(0, 2), (2, 3)]);
        assert_eq!(batches(20, 100).unwrap(), vec![(0, 20)]);
        assert!(batches(3, 0).is_err());
        assert!(batches(0, 5).unwrap().is_empty());
    }
}
