//! Script-side handles: shared like Python objects (assignment shares, `.copy()` copies).

use std::cell::RefCell;
use std::rc::Rc;

use crate::io::hdf5::RunSettings;
use crate::network::Network;
use crate::results::{CellResponse, Dipole, ExtracellularArray};

/// A network and the cell response of its last simulation (hnn-core keeps it on the net).
#[derive(Debug)]
pub struct NetState {
    /// The description.
    pub net: Network,
    /// Set by `simulate_dipole`.
    pub cell_response: Option<CellResponse>,
    /// Recorded electrode arrays (`net.rec_arrays`), set by `simulate_dipole`; shared so
    /// that `net.rec_arrays["x"].smooth(...)` changes the net's copy, as in hnn-core.
    pub rec_data: Vec<ExtracellularHandle>,
    /// The settings of the last `simulate_dipole` (stored by `write_results`).
    pub run: Option<RunSettings>,
}

/// `Network` in scripts.
#[derive(Debug, Clone)]
pub struct NetHandle(pub Rc<RefCell<NetState>>);

impl NetHandle {
    /// Wrap a network.
    pub fn new(net: Network) -> Self {
        NetHandle(Rc::new(RefCell::new(NetState {
            net,
            cell_response: None,
            rec_data: Vec::new(),
            run: None,
        })))
    }
}

/// `Dipole` in scripts (in-place `scale`/`smooth` change every alias, as in Python).
#[derive(Debug, Clone)]
pub struct DipoleHandle(pub Rc<RefCell<Dipole>>);

/// `CellResponse` in scripts.
#[derive(Debug, Clone)]
pub struct CellResponseHandle(pub Rc<CellResponse>);

/// `ExtracellularArray` in scripts (in-place `smooth` changes every alias).
#[derive(Debug, Clone)]
pub struct ExtracellularHandle(pub Rc<RefCell<ExtracellularArray>>);
