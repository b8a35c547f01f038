# Convenience wrappers; the scripts do the work.
.PHONY: run test setup bench
run:
	scripts/run
test:
	scripts/test
setup:
	scripts/setup
bench:
	scripts/setup --test-data && cargo bench --locked && cargo test --release --locked --test tests -- --ignored bench_ --test-threads=1 --nocapture
