"""Every benchmark, one table each: `make bench` (which installs micrograd==0.1.0 first)."""

import bench_engine
import bench_nn

if __name__ == "__main__":
    bench_engine.main()
    print()
    bench_nn.main()
