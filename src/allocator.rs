//! The process's memory allocator, chosen when it starts: glibc's (`system`, the
//! default), mimalloc (`COSO_ALLOCATOR=mimalloc`) or jemalloc (`COSO_ALLOCATOR=jemalloc`).
//! Measured on the national tier (README, "GraphQL against hand-written SQL" and "Load"):
//! mimalloc costs 0.6 to 0.8 times the server CPU of glibc's for uncached nested lists,
//! but under the dashboard load it held 401 MiB at its peak against glibc's 290 (the load
//! goal is under 300), for no more throughput there. jemalloc (session 16) cost 0.7 to
//! 0.95 times glibc's CPU on the SQLite demo's lists and held 300 MiB against 299 under
//! that load, with the same throughput there except `{ __typename }` (26,397 against
//! 33,226 req/s in one run); glibc's stays the default until a longer comparison says
//! otherwise. `main` installs [`Switch`] as the global allocator; every allocation goes to
//! the one chosen at the first allocation (before any thread exists), read with `getenv`,
//! which allocates nothing. So the same binary runs either way, and `coso bench graphql
//! --allocators` compares them in one run. The analytics worker (`analytics::runner`)
//! always runs on glibc's: its memory budget is a data-segment limit (`RLIMIT_DATA`), and
//! the others' reservations of address space count against it before anything is
//! allocated.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU8, Ordering};

use mimalloc::MiMalloc;
use tikv_jemallocator::Jemalloc;

/// Not chosen yet.
const UNSET: u8 = 0;
const SYSTEM: u8 = 1;
const MIMALLOC: u8 = 2;
const JEMALLOC: u8 = 3;

static CHOSEN: AtomicU8 = AtomicU8::new(UNSET);

/// The environment variable that chooses.
pub const VARIABLE: &str = "COSO_ALLOCATOR";
/// Its values.
pub const NAMES: [&str; 3] = ["system", "mimalloc", "jemalloc"];

/// Dispatches to the allocator chosen at the first allocation.
pub struct Switch;

impl Switch {
    #[inline]
    fn chosen() -> u8 {
        match CHOSEN.load(Ordering::Relaxed) {
            UNSET => choose(),
            c => c,
        }
    }
}

#[cold]
fn choose() -> u8 {
    // SAFETY: getenv takes a NUL-terminated name and allocates nothing; the value it
    // returns is read before any other thread can change the environment (the first
    // allocation comes before `main` starts threads).
    let value = unsafe { libc::getenv(c"COSO_ALLOCATOR".as_ptr()) };
    let choice = match value.is_null() {
        true => SYSTEM,
        // SAFETY: a non-null getenv result is a NUL-terminated string.
        false => match unsafe { std::ffi::CStr::from_ptr(value) }.to_bytes() {
            b"mimalloc" => MIMALLOC,
            b"jemalloc" => JEMALLOC,
            _ => SYSTEM,
        },
    };
    match CHOSEN.compare_exchange(UNSET, choice, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => choice,
        Err(earlier) => earlier,
    }
}

/// Which allocator this process uses: `system`, `mimalloc` or `jemalloc` (`system` when [`Switch`]
/// is not the global allocator, as in the test binaries).
pub fn name() -> &'static str {
    match CHOSEN.load(Ordering::Relaxed) {
        MIMALLOC => "mimalloc",
        JEMALLOC => "jemalloc",
        _ => "system",
    }
}

/// Whether freed memory is handed back with glibc's `malloc_trim` (the system allocator).
pub fn is_system() -> bool {
    !matches!(CHOSEN.load(Ordering::Relaxed), MIMALLOC | JEMALLOC)
}

// SAFETY: every call goes to one allocator for the life of the process (the choice is
// made once, before the first allocation returns, and never changes), so memory is
// always freed or reallocated by the allocator that gave it.
unsafe impl GlobalAlloc for Switch {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        unsafe {
            match Self::chosen() {
                MIMALLOC => MiMalloc.alloc(layout),
                JEMALLOC => Jemalloc.alloc(layout),
                _ => System.alloc(layout),
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        unsafe {
            match Self::chosen() {
                MIMALLOC => MiMalloc.alloc_zeroed(layout),
                JEMALLOC => Jemalloc.alloc_zeroed(layout),
                _ => System.alloc_zeroed(layout),
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the same allocator (the choice never changes).
        unsafe {
            match Self::chosen() {
                MIMALLOC => MiMalloc.dealloc(ptr, layout),
                JEMALLOC => Jemalloc.dealloc(ptr, layout),
                _ => System.dealloc(ptr, layout),
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from the same allocator (the choice never changes).
        unsafe {
            match Self::chosen() {
                MIMALLOC => MiMalloc.realloc(ptr, layout, new_size),
                JEMALLOC => Jemalloc.realloc(ptr, layout, new_size),
                _ => System.realloc(ptr, layout, new_size),
            }
        }
    }
}
