//! `sd_notify` by hand: tells systemd the daemon is ready, and pets its watchdog.
//!
//! With `Type=notify` and `WatchdogSec=` in the unit, systemd passes `NOTIFY_SOCKET` (a datagram
//! socket path, or `@name` for an abstract one) and `WATCHDOG_USEC`. The main loop sends
//! `WATCHDOG=1` at half that interval; a main loop stuck on anything stops sending it, and
//! systemd kills and restarts the daemon. Outside systemd (no `NOTIFY_SOCKET`) every call is a
//! no-op. The protocol is one datagram of `KEY=VALUE` lines, which is all this module writes.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where systemd listens for notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Address {
    Path(PathBuf),
    Abstract(Vec<u8>),
}

/// The notification socket and the watchdog interval systemd asked for.
#[derive(Debug)]
pub struct Notifier {
    target: Option<(UnixDatagram, Address)>,
    /// How often to send `WATCHDOG=1` (half of `WATCHDOG_USEC`); `None` when there is no watchdog.
    interval: Option<Duration>,
    last_ping: Instant,
}

impl Notifier {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment.
    pub fn from_env() -> Notifier {
        let address = std::env::var_os("NOTIFY_SOCKET").and_then(|v| {
            use std::os::unix::ffi::OsStrExt;
            let bytes = v.as_bytes();
            match bytes.first() {
                Some(b'@') => Some(Address::Abstract(bytes[1..].to_vec())),
                Some(b'/') => Some(Address::Path(PathBuf::from(&v))),
                _ => None,
            }
        });
        let for_us = std::env::var("WATCHDOG_PID")
            .ok()
            .and_then(|p| p.parse::<u32>().ok())
            .is_none_or(|pid| pid == std::process::id());
        let interval = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|u| u.parse::<u64>().ok())
            .filter(|&u| u > 0 && for_us)
            .map(|u| Duration::from_micros(u / 2));
        let target = address.and_then(|a| match UnixDatagram::unbound() {
            Ok(s) => Some((s, a)),
            Err(e) => {
                tracing::warn!(error = %e, "cannot create the systemd notification socket");
                None
            }
        });
        Notifier {
            target,
            interval,
            last_ping: Instant::now(),
        }
    }

    /// The watchdog interval systemd asked for, halved (how often to ping).
    pub fn watchdog_interval(&self) -> Option<Duration> {
        self.interval
    }

    fn send(&self, message: &str) {
        let Some((socket, address)) = &self.target else {
            return;
        };
        let sent = match address {
            Address::Path(p) => socket.send_to(message.as_bytes(), p),
            Address::Abstract(name) => {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)
                    .and_then(|a| socket.send_to_addr(message.as_bytes(), &a))
            }
        };
        if let Err(e) = sent {
            tracing::debug!(error = %e, "systemd notification not sent");
        }
    }

    /// `READY=1`: the daemon is listening.
    pub fn ready(&mut self) {
        self.send("READY=1\nSTATUS=listening\n");
        self.last_ping = Instant::now();
    }

    /// `STOPPING=1`: shutting down.
    pub fn stopping(&self) {
        self.send("STOPPING=1\n");
    }

    /// `WATCHDOG=1` when half the watchdog interval has passed since the last one.
    pub fn ping_if_due(&mut self) {
        if let Some(every) = self.interval {
            if self.last_ping.elapsed() >= every {
                self.send("WATCHDOG=1\n");
                self.last_ping = Instant::now();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_datagrams_to_a_path_socket() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        let mut n = Notifier {
            target: Some((UnixDatagram::unbound().unwrap(), Address::Path(path))),
            interval: Some(Duration::ZERO),
            last_ping: Instant::now(),
        };
        n.ready();
        n.ping_if_due();
        let mut buf = [0u8; 256];
        let k = listener.recv(&mut buf).unwrap();
        assert!(std::str::from_utf8(&buf[..k])
            .unwrap()
            .starts_with("READY=1\n"));
        let k = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..k], b"WATCHDOG=1\n");
    }
}
