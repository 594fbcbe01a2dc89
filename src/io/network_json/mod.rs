//! hnn-core's hierarchical network configuration JSON (`net.write_configuration`,
//! `read_network_configuration`): cell templates, positions, gid ranges, drives, biases and
//! the full connectivity with its gid pairs.
//!
//! Reading ([`read`]) fills a [`crate::network::Network`] that simulates like the network
//! the file was written from; every error names the file and the JSON path of the offending
//! field (`node`). Writing: [`write`]. The cell types, drives and connections are read and
//! written in `cells`, `drives` and `connections`.

mod cells;
mod connections;
mod drives;
mod node;
pub mod read;
pub mod write;

pub use read::{parse_network_configuration, read_network_configuration};
pub use write::{network_configuration_json, write_network_configuration};

#[cfg(test)]
mod tests {
    use super::cells::split_node;
    use super::*;

    #[test]
    fn node_names_parse() {
        assert_eq!(split_node("soma,1"), Some(("soma", 1.0)));
        assert_eq!(split_node("apical_trunk,0"), Some(("apical_trunk", 0.0)));
        assert_eq!(split_node("soma"), None);
        assert_eq!(split_node("soma,0.5"), None);
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse_network_configuration(
            r#"{"object_type": "Network", "N_pyr_x": "ten"}"#,
            "n.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("n.json") && e.contains("N_pyr_x"), "{e}");
        let e = parse_network_configuration("[1,", "n.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("valid JSON"), "{e}");
    }
}
