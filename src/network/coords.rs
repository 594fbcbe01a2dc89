//! Cell positions of hnn-core's column: the pyramidal grid, basket cells, and the origin.

/// Positions of one layer's cells [µm].
pub type Positions = Vec<[f64; 3]>;

/// The layouts hnn-core's `_create_cell_coords` produces.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnLayout {
    /// L5 pyramidal cells: the grid at z = 0.
    pub l5_pyramidal: Positions,
    /// L2 pyramidal cells: the grid at z = layer separation.
    pub l2_pyramidal: Positions,
    /// L5 basket cells (z = 0.2 × separation).
    pub l5_basket: Positions,
    /// L2 basket cells (z = 0.8 × separation).
    pub l2_basket: Positions,
    /// Where every drive cell sits.
    pub origin: [f64; 3],
}

/// numpy's `arange(start, stop) * spacing` for integers.
fn scaled_range(start: usize, stop: usize, step: usize, spacing: f64) -> Vec<f64> {
    (start..stop)
        .step_by(step)
        .map(|i| i as f64 * spacing)
        .collect()
}

/// Lay out an `n_x` × `n_y` column as hnn-core does.
///
/// Pyramidal cells: x outer, y inner. Basket cells: x ∈ {0, 3, 6, …} × even y, then
/// x ∈ {1, 4, 7, …} × odd y, stably sorted by y. The origin is the grid point at
/// ((n_x−1)/2, (n_y−1)/2) (integer division) at z = floor(separation / 2).
pub fn create_cell_coords(n_x: usize, n_y: usize, z_coord: f64, inplane: f64) -> ColumnLayout {
    let xs = scaled_range(0, n_x, 1, inplane);
    let ys = scaled_range(0, n_y, 1, inplane);
    let pyr = |z: f64| -> Positions {
        xs.iter()
            .flat_map(|&x| ys.iter().map(move |&y| [x, y, z]))
            .collect()
    };
    let basket = |w: f64| -> Positions {
        let xzero = scaled_range(0, n_x, 3, inplane);
        let xone = scaled_range(1, n_x, 3, inplane);
        let yeven = scaled_range(0, n_y, 2, inplane);
        let yodd = scaled_range(1, n_y, 2, inplane);
        let mut coords: Vec<(f64, f64)> = xzero
            .iter()
            .flat_map(|&x| yeven.iter().map(move |&y| (x, y)))
            .chain(xone.iter().flat_map(|&x| yodd.iter().map(move |&y| (x, y))))
            .collect();
        coords.sort_by(|a, b| a.1.total_cmp(&b.1)); // stable, like Python's sorted
        coords
            .into_iter()
            .map(|(x, y)| [x, y, w * z_coord])
            .collect()
    };
    ColumnLayout {
        l5_pyramidal: pyr(0.0),
        l2_pyramidal: pyr(z_coord),
        l5_basket: basket(0.2),
        l2_basket: basket(0.8),
        origin: [
            xs[(xs.len() - 1) / 2],
            ys[(ys.len() - 1) / 2],
            (z_coord / 2.0).floor(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_column_matches_hnn_core() {
        let l = create_cell_coords(10, 10, 1307.4, 1.0);
        assert_eq!(l.l5_pyramidal.len(), 100);
        assert_eq!(l.l2_basket.len(), 35);
        assert_eq!(l.l5_pyramidal[13], [1.0, 3.0, 0.0]);
        assert_eq!(
            &l.l5_basket[..5]
                .iter()
                .map(|p| [p[0], p[1]])
                .collect::<Vec<_>>(),
            &[[0.0, 0.0], [3.0, 0.0], [6.0, 0.0], [9.0, 0.0], [1.0, 1.0]]
        );
        assert_eq!(l.origin, [4.0, 4.0, 653.0]);
        assert!((l.l2_basket[0][2] - 0.8 * 1307.4).abs() < 1e-12);
    }
}
