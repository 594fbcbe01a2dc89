//! Signal analysis of simulation results (numbers behind hnn-core's plots).

pub mod decimate;
pub mod dense;
pub mod objective;
pub mod psd;
pub mod spikes;
pub mod tfr;

/// Rows of equal length (a TFR's `[freq][time]`, a CSD's `[contact][sample]`) as one
/// 2-D array; `None` when the rows differ in length.
///
/// ```
/// let power = hnn::analysis::tfr::morlet_power(&[0.0, 1.0, 0.0, -1.0], 1000.0, &[250.0], &[1.0])?;
/// let a = hnn::analysis::rows_to_array(&power).unwrap();
/// assert_eq!(a.shape(), &[1, 4]);
/// # Ok::<(), hnn::Error>(())
/// ```
pub fn rows_to_array(rows: &[Vec<f64>]) -> Option<ndarray::Array2<f64>> {
    let cols = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != cols) {
        return None;
    }
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    ndarray::Array2::from_shape_vec((rows.len(), cols), flat).ok()
}
