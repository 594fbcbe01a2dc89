//! `.npy` files written row block by row block: the header (NumPy format 1.0) gives the full
//! shape up front, the data start zero-filled, and each chunk of rows is written in place as
//! soon as it is done. NumPy reads them with `np.load` (no pickle); a run that stops keeps
//! every chunk written before it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Element types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// `<f8`
    F64,
    /// `<f4`
    F32,
    /// `<i8`
    I64,
    /// `|i1`
    I8,
}

impl Dtype {
    fn descr(self) -> &'static str {
        match self {
            Dtype::F64 => "<f8",
            Dtype::F32 => "<f4",
            Dtype::I64 => "<i8",
            Dtype::I8 => "|i1",
        }
    }

    fn size(self) -> usize {
        match self {
            Dtype::F64 | Dtype::I64 => 8,
            Dtype::F32 => 4,
            Dtype::I8 => 1,
        }
    }
}

/// An `.npy` file of fixed shape, open for row writes.
#[derive(Debug)]
pub struct NpyFile {
    file: File,
    path: PathBuf,
    dtype: Dtype,
    shape: Vec<usize>,
    data_start: u64,
}

fn header(dtype: Dtype, shape: &[usize]) -> Vec<u8> {
    let dims = match shape.len() {
        1 => format!("({},)", shape[0]),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {dims}, }}",
        dtype.descr()
    );
    // magic (6) + version (2) + length (2) + dict + '\n' is a multiple of 64
    let total = 10 + dict.len() + 1;
    dict.push_str(&" ".repeat((64 - total % 64) % 64));
    dict.push('\n');
    let mut h = b"\x93NUMPY\x01\x00".to_vec();
    h.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    h.extend_from_slice(dict.as_bytes());
    h
}

impl NpyFile {
    /// Create (or replace) a zero-filled file of `shape`.
    pub fn create(path: &Path, dtype: Dtype, shape: &[usize]) -> Result<Self> {
        let h = header(dtype, shape);
        let n: usize = shape.iter().product();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|e| Error::file(path, e))?;
        file.write_all(&h).map_err(|e| Error::file(path, e))?;
        file.set_len((h.len() + n * dtype.size()) as u64)
            .map_err(|e| Error::file(path, e))?;
        Ok(NpyFile {
            file,
            path: path.to_path_buf(),
            dtype,
            shape: shape.to_vec(),
            data_start: h.len() as u64,
        })
    }

    /// Open an existing file written by [`NpyFile::create`] with this type and shape (a
    /// different header or length is an error naming the file).
    pub fn open(path: &Path, dtype: Dtype, shape: &[usize]) -> Result<Self> {
        let h = header(dtype, shape);
        let n: usize = shape.iter().product();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::file(path, e))?;
        let mut got = vec![0u8; h.len()];
        file.read_exact(&mut got)
            .map_err(|e| Error::file(path, format!("header unreadable ({e})")))?;
        if got != h {
            return Err(Error::file(
                path,
                format!(
                    "header is not the one expected (dtype {}, shape {shape:?}): not written by this run's settings",
                    dtype.descr()
                ),
            ));
        }
        let len = file.metadata().map_err(|e| Error::file(path, e))?.len();
        if len != (h.len() + n * dtype.size()) as u64 {
            return Err(Error::file(
                path,
                format!(
                    "{len} bytes, expected {} (truncated or damaged)",
                    h.len() + n * dtype.size()
                ),
            ));
        }
        Ok(NpyFile {
            file,
            path: path.to_path_buf(),
            dtype,
            shape: shape.to_vec(),
            data_start: h.len() as u64,
        })
    }

    fn row_len(&self) -> usize {
        self.shape[1..].iter().product()
    }

    fn seek_row(&mut self, row: usize, n_values: usize) -> Result<()> {
        let rl = self.row_len();
        if rl == 0 || !n_values.is_multiple_of(rl) || row + n_values / rl > self.shape[0] {
            return Err(Error::invalid(
                format!("rows written to '{}'", self.path.display()),
                format!("{n_values} values from row {row}"),
                format!(
                    "whole rows of {rl} values within {} rows",
                    self.shape.first().copied().unwrap_or(0)
                ),
            ));
        }
        let off = self.data_start + (row * rl * self.dtype.size()) as u64;
        self.file
            .seek(SeekFrom::Start(off))
            .map_err(|e| Error::file(&self.path, e))?;
        Ok(())
    }

    /// Write consecutive rows starting at `row` (values row-major, converted to the file's
    /// type).
    pub fn write_f64(&mut self, row: usize, values: &[f64]) -> Result<()> {
        self.seek_row(row, values.len())?;
        let mut buf = Vec::with_capacity(values.len() * self.dtype.size());
        for &v in values {
            match self.dtype {
                Dtype::F64 => buf.extend_from_slice(&v.to_le_bytes()),
                Dtype::F32 => buf.extend_from_slice(&(v as f32).to_le_bytes()),
                Dtype::I64 => buf.extend_from_slice(&(v as i64).to_le_bytes()),
                Dtype::I8 => buf.push(v as i8 as u8),
            }
        }
        self.file
            .write_all(&buf)
            .map_err(|e| Error::file(&self.path, e))
    }

    /// Read consecutive rows starting at `row` as f64.
    pub fn read_f64(&mut self, row: usize, n_values: usize) -> Result<Vec<f64>> {
        self.seek_row(row, n_values)?;
        let mut buf = vec![0u8; n_values * self.dtype.size()];
        self.file
            .read_exact(&mut buf)
            .map_err(|e| Error::file(&self.path, e))?;
        Ok(match self.dtype {
            Dtype::F64 => buf
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                .collect(),
            Dtype::F32 => buf
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().unwrap_or([0; 4])) as f64)
                .collect(),
            Dtype::I64 => buf
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f64)
                .collect(),
            Dtype::I8 => buf.iter().map(|&b| b as i8 as f64).collect(),
        })
    }

    /// Flush written rows to the disk.
    pub fn sync(&mut self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| Error::file(&self.path, e))
    }
}

/// Read a whole 2-D `.npy` file of f64 (or f32, i64, i8, converted) as rows.
pub fn read_matrix(path: &Path) -> Result<(Vec<usize>, Vec<f64>)> {
    use ndarray::{ArrayD, IxDyn};
    use ndarray_npy::ReadNpyExt;
    let f = File::open(path).map_err(|e| Error::file(path, e))?;
    macro_rules! try_type {
        ($t:ty) => {{
            let f = File::open(path).map_err(|e| Error::file(path, e))?;
            if let Ok(a) = ArrayD::<$t>::read_npy(f) {
                let shape = a.shape().to_vec();
                return Ok((shape, a.iter().map(|&x| x as f64).collect()));
            }
        }};
    }
    match ArrayD::<f64>::read_npy(f) {
        Ok(a) => {
            let a: ArrayD<f64> = a.into_dimensionality::<IxDyn>().unwrap_or_default();
            Ok((a.shape().to_vec(), a.iter().copied().collect()))
        }
        Err(first) => {
            try_type!(f32);
            try_type!(i64);
            try_type!(i32);
            try_type!(i8);
            Err(Error::file(
                path,
                format!("not a numeric .npy array ({first})"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_written_in_place_read_back() {
        let dir = std::env::temp_dir().join(format!("hnn_npy_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("x.npy");
        let mut f = NpyFile::create(&p, Dtype::F64, &[3, 2]).unwrap();
        f.write_f64(1, &[1.5, 2.5]).unwrap();
        drop(f);
        let mut f = NpyFile::open(&p, Dtype::F64, &[3, 2]).unwrap();
        assert_eq!(
            f.read_f64(0, 6).unwrap(),
            vec![0.0, 0.0, 1.5, 2.5, 0.0, 0.0]
        );
        assert!(NpyFile::open(&p, Dtype::F64, &[4, 2]).is_err());
        assert!(f.write_f64(2, &[1.0, 2.0, 3.0, 4.0]).is_err());
        let (shape, v) = read_matrix(&p).unwrap();
        assert_eq!(shape, vec![3, 2]);
        assert_eq!(v[3], 2.5);
        // header padded to a multiple of 64 bytes
        assert_eq!(header(Dtype::I8, &[7]).len() % 64, 0);
        std::fs::remove_dir_all(&dir).ok();
    }
}
