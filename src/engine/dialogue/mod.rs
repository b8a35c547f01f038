//! The dialogue engine (being written).
