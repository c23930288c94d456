"""`make bench`: runs every benchmark module, prints its figures and a final JSON line.

Each module in MODULES exposes run() -> dict of figures (and prints its own progress)."""
import importlib
import json
import sys

MODULES = ["bench.ingest", "bench.posters", "bench.import_officers", "bench.portal", "bench.analysis", "bench.reports"]


def main(names):
    results = {}
    for name in names or MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        results[name.split(".")[-1]] = module.run()
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
