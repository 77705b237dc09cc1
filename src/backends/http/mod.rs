//! HTTP sending, signing, history (to be written)
