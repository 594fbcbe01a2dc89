//! Validated reading: every read checks types, shapes and sizes and names the file and the
//! object at fault.

use std::collections::HashMap;
use std::path::Path;

use hdf5_pure::{AttrValue, DType, Dataset, Group};

use super::file_err;
use crate::error::{Error, Result};
use crate::results::Dipole;

/// Upper bound on the elements of a dataset whose storage is filtered (compressed), where
/// the file size does not bound it.
const MAX_FILTERED_ELEMENTS: u64 = 1 << 28;

/// An opened file and its name, for reads that check types and shapes and name the file
/// and object in every error.
pub(super) struct Reader<'a> {
    /// The opened file.
    pub(super) file: hdf5_pure::File,
    /// Its name, for errors.
    path: &'a Path,
    /// Its size [bytes], bounding what it can describe.
    size: u64,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: Vec<u8>, path: &'a Path) -> Result<Self> {
        if !hdf5_pure::is_hdf5_bytes(&bytes) {
            return Err(file_err(
                path,
                "no HDF5 signature",
                "an HDF5 file (hnn-core's Dipole.write('x.hdf5') or hnn's own)",
            ));
        }
        let size = bytes.len() as u64;
        let file = hdf5_pure::File::from_bytes(bytes).map_err(|e| {
            file_err(
                path,
                format!("unreadable HDF5 ({e})"),
                "an intact HDF5 file",
            )
        })?;
        let sb = file.superblock();
        let end = sb.base_address.get().saturating_add(sb.eof_address);
        if end > size {
            return Err(file_err(
                path,
                format!("{size} bytes where the HDF5 superblock says {end}"),
                "a complete file (this one is truncated)",
            ));
        }
        Ok(Reader { file, path, size })
    }

    pub(super) fn err(&self, obj: &str, got: impl std::fmt::Display, expected: &str) -> Error {
        Error::invalid(
            format!("file '{}', {obj}", self.path.display()),
            got,
            expected,
        )
    }

    pub(super) fn group(&self, p: &str) -> Result<Group> {
        self.file
            .group(p.trim_start_matches('/'))
            .map_err(|e| self.lookup_err("group", p, e))
    }

    /// A failed lookup: "missing" when nothing is there, else what hdf5-pure found wrong.
    pub(super) fn lookup_err(&self, kind: &str, p: &str, e: hdf5_pure::Error) -> Error {
        let what = format!("{kind} '{p}'");
        match e {
            hdf5_pure::Error::Format(hdf5_pure::FormatError::PathNotFound(_)) => {
                self.err(&what, "missing", &format!("a {kind} there"))
            }
            hdf5_pure::Error::NotADataset(_) | hdf5_pure::Error::NotAGroup(_) => self.err(
                &what,
                format!("another kind of object ({e})"),
                &format!("a {kind}"),
            ),
            e => self.err(
                &what,
                format!("unreadable ({e})"),
                &format!("an intact {kind}"),
            ),
        }
    }

    /// Whether the root group has a group `name`.
    pub(super) fn root_has_group(&self, name: &str) -> Result<bool> {
        let root = self.file.root();
        Ok(self.members(&root, "/", true)?.iter().any(|n| n == name))
    }

    /// The names of the groups (`groups`) or datasets of `g`.
    pub(super) fn members(&self, g: &Group, p: &str, groups: bool) -> Result<Vec<String>> {
        let m = if groups { g.groups() } else { g.datasets() };
        m.map_err(|e| {
            self.err(
                &format!("group '{p}'"),
                format!("unreadable ({e})"),
                "a readable group",
            )
        })
    }

    pub(super) fn dataset(&self, p: &str) -> Result<Dataset> {
        self.file
            .dataset(p.trim_start_matches('/'))
            .map_err(|e| self.lookup_err("dataset", p, e))
    }

    /// The dataset at `p` if it is 1-D (or scalar) with a plausible number of elements.
    pub(super) fn dataset_1d(&self, p: &str) -> Result<(Dataset, DType, usize)> {
        let ds = self.dataset(p)?;
        let what = format!("dataset '{p}'");
        let shape = ds
            .shape()
            .map_err(|e| self.err(&what, format!("unreadable shape ({e})"), "a 1-D dataset"))?;
        if shape.len() > 1 {
            return Err(self.err(&what, format!("shape {shape:?}"), "a 1-D dataset"));
        }
        let n = shape.first().copied().unwrap_or(1);
        let dtype = ds.dtype().map_err(|e| {
            self.err(
                &what,
                format!("unreadable type ({e})"),
                "numbers or strings",
            )
        })?;
        let elem = ds.element_size().unwrap_or(1).max(1);
        let bound = if ds.filters().is_empty() {
            self.size / elem
        } else {
            MAX_FILTERED_ELEMENTS
        };
        if n > bound {
            return Err(self.err(
                &what,
                format!("{n} elements"),
                "no more elements than the file can hold",
            ));
        }
        Ok((ds, dtype, n as usize))
    }

    pub(super) fn checked<T>(
        &self,
        p: &str,
        v: std::result::Result<Vec<T>, hdf5_pure::Error>,
        n: usize,
    ) -> Result<Vec<T>> {
        let what = format!("dataset '{p}'");
        let v =
            v.map_err(|e| self.err(&what, format!("unreadable data ({e})"), "readable data"))?;
        if v.len() != n {
            return Err(self.err(
                &what,
                format!("{} values for {n} elements", v.len()),
                "intact data",
            ));
        }
        Ok(v)
    }

    /// A 1-D array of finite floats.
    pub(super) fn f64s(&self, p: &str) -> Result<Vec<f64>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !matches!(dtype, DType::F64 | DType::F32) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "floating-point numbers",
            ));
        }
        let v = self.checked(p, ds.read_f64(), n)?;
        if let Some(x) = v.iter().find(|x| !x.is_finite()) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("a value {x}"),
                "finite numbers",
            ));
        }
        Ok(v)
    }

    /// A 2-D array of finite floats, row-major, with the given number of rows and columns
    /// (`None`: any).
    pub(super) fn f64s_2d(
        &self,
        p: &str,
        rows: Option<usize>,
        cols: Option<usize>,
    ) -> Result<Vec<f64>> {
        let ds = self.dataset(p)?;
        let what = format!("dataset '{p}'");
        let shape = ds
            .shape()
            .map_err(|e| self.err(&what, format!("unreadable shape ({e})"), "a 2-D dataset"))?;
        let want = format!(
            "a 2-D dataset of {} × {}",
            rows.map_or("any".to_string(), |r| r.to_string()),
            cols.map_or("any".to_string(), |c| c.to_string())
        );
        if shape.len() != 2
            || rows.is_some_and(|r| shape[0] != r as u64)
            || cols.is_some_and(|c| shape[1] != c as u64)
        {
            return Err(self.err(&what, format!("shape {shape:?}"), &want));
        }
        let n = shape[0].saturating_mul(shape[1]);
        if n > self.size / 8 {
            return Err(self.err(
                &what,
                format!("{n} elements"),
                "no more elements than the file can hold",
            ));
        }
        let dtype = ds
            .dtype()
            .map_err(|e| self.err(&what, format!("unreadable type ({e})"), "numbers"))?;
        if !matches!(dtype, DType::F64 | DType::F32) {
            return Err(self.err(&what, format!("type {dtype}"), "floating-point numbers"));
        }
        let v = self.checked(p, ds.read_f64(), n as usize)?;
        if let Some(x) = v.iter().find(|x| !x.is_finite()) {
            return Err(self.err(&what, format!("a value {x}"), "finite numbers"));
        }
        Ok(v)
    }

    /// A 1-D array of integers.
    pub(super) fn i64s(&self, p: &str) -> Result<Vec<i64>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !is_int(&dtype) || dtype == DType::U64 {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "integers",
            ));
        }
        self.checked(p, ds.read_i64(), n)
    }

    /// One number stored as h5io stores a Python int or float (a 1-element array).
    pub(super) fn scalar(&self, p: &str) -> Result<f64> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        let what = format!("dataset '{p}'");
        if n != 1 {
            return Err(self.err(&what, format!("{n} values"), "one number"));
        }
        let x = if is_int(&dtype) && dtype != DType::U64 {
            self.checked(p, ds.read_i64(), 1)?[0] as f64
        } else if matches!(dtype, DType::F64 | DType::F32) {
            self.checked(p, ds.read_f64(), 1)?[0]
        } else {
            return Err(self.err(&what, format!("type {dtype}"), "a number"));
        };
        if !x.is_finite() {
            return Err(self.err(&what, x, "a finite number"));
        }
        Ok(x)
    }

    /// A count ≥ 1 stored as one integer (h5io's int).
    pub(super) fn count(&self, p: &str) -> Result<usize> {
        let x = self.scalar(p)?;
        if !(x >= 1.0 && x.fract() == 0.0 && x < 1e12) {
            return Err(self.err(&format!("dataset '{p}'"), x, "a whole number ≥ 1"));
        }
        Ok(x as usize)
    }

    /// h5io's `unicode` value: the UTF-8 bytes as a uint8 array.
    pub(super) fn h5io_string(&self, p: &str) -> Result<String> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        let what = format!("dataset '{p}'");
        match dtype {
            DType::U8 | DType::I8 => {
                let b = self.checked(p, ds.read_u8(), n)?;
                String::from_utf8(b)
                    .map_err(|_| self.err(&what, "bytes that are not UTF-8", "a UTF-8 string"))
            }
            DType::String | DType::VariableLengthString => {
                let mut v = self.strings(p)?;
                if v.len() != 1 {
                    return Err(self.err(&what, format!("{} strings", v.len()), "one string"));
                }
                Ok(v.remove(0))
            }
            other => Err(self.err(
                &what,
                format!("type {other}"),
                "a string (h5io's uint8 text)",
            )),
        }
    }

    /// A 1-D array of strings (fixed or variable length).
    pub(super) fn strings(&self, p: &str) -> Result<Vec<String>> {
        let (ds, dtype, n) = self.dataset_1d(p)?;
        if !matches!(dtype, DType::String | DType::VariableLengthString) {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("type {dtype}"),
                "strings",
            ));
        }
        let opts = hdf5_pure::VlenStringReadOptions::new()
            .with_max_elements(n)
            .with_max_payload_bytes(self.size as usize);
        let v = if dtype == DType::VariableLengthString {
            ds.read_vlen_strings(opts)
        } else {
            ds.read_string()
        };
        self.checked(p, v, n)
    }

    /// A dataset holding exactly one string.
    pub(super) fn one_string(&self, p: &str) -> Result<String> {
        let mut v = self.strings(p)?;
        if v.len() != 1 {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("{} strings", v.len()),
                "one string",
            ));
        }
        Ok(v.remove(0))
    }

    pub(super) fn attr(&self, g: &Group, p: &str, name: &str) -> Result<AttrValue> {
        let what = format!("attribute '{p}' {name}");
        let attrs: HashMap<String, AttrValue> = g.attrs().map_err(|e| {
            self.err(
                &what,
                format!("unreadable attributes ({e})"),
                "readable attributes",
            )
        })?;
        attrs
            .get(name)
            .cloned()
            .ok_or_else(|| self.err(&what, "missing", "present"))
    }

    pub(super) fn attr_string(&self, g: &Group, p: &str, name: &str) -> Result<String> {
        match self.attr(g, p, name)? {
            AttrValue::VarLenString(s)
            | AttrValue::VarLenAsciiString(s)
            | AttrValue::String(s)
            | AttrValue::AsciiString(s) => Ok(s),
            AttrValue::StringSized { value, .. } | AttrValue::AsciiStringSized { value, .. } => {
                Ok(value)
            }
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "a string",
            )),
        }
    }

    pub(super) fn attr_strings(&self, g: &Group, p: &str, name: &str) -> Result<Vec<String>> {
        match self.attr(g, p, name)? {
            AttrValue::VarLenStringArray(v)
            | AttrValue::VarLenAsciiStringArray(v)
            | AttrValue::StringArray(v)
            | AttrValue::AsciiStringArray(v) => Ok(v),
            AttrValue::StringArraySized { values, .. }
            | AttrValue::AsciiStringArraySized { values, .. } => Ok(values),
            AttrValue::VarLenString(s) | AttrValue::String(s) => Ok(vec![s]),
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "strings",
            )),
        }
    }

    pub(super) fn attr_f64(&self, g: &Group, p: &str, name: &str) -> Result<f64> {
        let x = match self.attr(g, p, name)? {
            AttrValue::F64(x) => x,
            AttrValue::F32(x) => x as f64,
            AttrValue::I64(x) => x as f64,
            AttrValue::I32(x) => x as f64,
            other => {
                return Err(self.err(
                    &format!("attribute '{p}' {name}"),
                    format!("{other:?}"),
                    "a number",
                ));
            }
        };
        if !x.is_finite() {
            return Err(self.err(&format!("attribute '{p}' {name}"), x, "a finite number"));
        }
        Ok(x)
    }

    pub(super) fn attr_i64(&self, g: &Group, p: &str, name: &str) -> Result<i64> {
        match self.attr(g, p, name)? {
            AttrValue::I64(x) => Ok(x),
            AttrValue::I32(x) => Ok(x as i64),
            AttrValue::U32(x) => Ok(x as i64),
            AttrValue::I16(x) => Ok(x as i64),
            AttrValue::U16(x) => Ok(x as i64),
            AttrValue::I8(x) => Ok(x as i64),
            AttrValue::U8(x) => Ok(x as i64),
            other => Err(self.err(
                &format!("attribute '{p}' {name}"),
                format!("{other:?}"),
                "an integer",
            )),
        }
    }

    /// A non-negative count no larger than the file could describe.
    pub(super) fn attr_count(&self, g: &Group, p: &str, name: &str) -> Result<usize> {
        let x = self.attr_i64(g, p, name)?;
        if x < 0 || x as u64 > self.size {
            return Err(self.err(
                &format!("attribute '{p}' {name}"),
                x,
                "a count ≥ 0 that the file can hold",
            ));
        }
        Ok(x as usize)
    }

    pub(super) fn same_len(&self, p: &str, n: usize, want: usize) -> Result<()> {
        if n != want {
            return Err(self.err(
                &format!("dataset '{p}'"),
                format!("{n} samples"),
                &format!("{want} samples, as many as the times"),
            ));
        }
        Ok(())
    }

    pub(super) fn dipole(
        &self,
        times: Vec<f64>,
        tp: &str,
        data: Vec<(String, Vec<f64>)>,
        nave: usize,
        scale_applied: f64,
    ) -> Result<Dipole> {
        let what = format!("dataset '{tp}'");
        if times.len() < 2 {
            return Err(self.err(
                &what,
                format!("{} samples", times.len()),
                "a dipole time course (≥ 2 samples)",
            ));
        }
        if !times.windows(2).all(|w| w[1] > w[0]) {
            return Err(self.err(
                &what,
                "times that do not increase",
                "increasing sample times",
            ));
        }
        if data.is_empty() {
            return Err(self.err(
                &format!("{what} (its dipole)"),
                "no traces",
                "at least the agg trace",
            ));
        }
        if nave == 0 {
            return Err(self.err(&format!("{what} (its dipole's nave)"), 0, "≥ 1"));
        }
        Ok(Dipole {
            times,
            data,
            nave,
            scale_applied,
        })
    }
}

fn is_int(d: &DType) -> bool {
    matches!(
        d,
        DType::I8
            | DType::I16
            | DType::I32
            | DType::I64
            | DType::U8
            | DType::U16
            | DType::U32
            | DType::U64
    )
}
