"""A plugin on craftcore's event hooks: count failed combinations per pair (per input combination) and write a CSV.

Failures teach constraints, and the combinations players get wrong most often are where a pack needs a hint. The
plugin is an ordinary object with ``@craftcore.hookimpl`` methods; hand it to one game with
``craftcore.Game(catalog, plugins=[analytics])``, or to every game on a catalog with
``craftcore.load_catalog(plugins=[analytics])``. An installed distribution can also register it under the
``craftcore`` entry-point group.

Run it: ``python examples/analytics_plugin.py [report.csv]``. It plays a seeded random player and writes the report
(by default ``failed-combinations.csv`` in the current folder).
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter
from pathlib import Path

import craftcore


class FailureAnalytics:
    """Counts every combination tried, and the failed ones by their (sorted) inputs."""

    def __init__(self) -> None:
        self.tried = 0
        self.failures: Counter[tuple[str, ...]] = Counter()
        self.hints: dict[tuple[str, ...], str] = {}

    @craftcore.hookimpl
    def craftcore_combination_tried(self, result: craftcore.CombineResult) -> None:
        # A hook implementation may take any subset of the hook's arguments (here: not the game).
        self.tried += 1
        if not result.success:
            self.failures[result.inputs] += 1
            self.hints.setdefault(result.inputs, result.hint or "")

    def write_csv(self, path: str | Path) -> int:
        """Write one row per failed combination, most frequent first; returns the number of rows."""
        rows = sorted(self.failures.items(), key=lambda item: (-item[1], item[0]))
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["inputs", "size", "failures", "share_of_tries", "hint"])
            for inputs, count in rows:
                writer.writerow(
                    [" + ".join(inputs), len(inputs), count, f"{count / self.tried:.4f}", self.hints[inputs]]
                )
        return len(rows)


def play_randomly(game: craftcore.Game, tries: int, seed: int) -> None:
    """A curious player: mostly random pairs of what it knows, sometimes a combination that works."""
    rng = random.Random(seed)
    for _ in range(tries):
        available = list(game.available())
        if available and rng.random() < 0.3:
            game.combine(*rng.choice(available))
        else:
            known = sorted(game.discovered)
            game.combine(*rng.sample(known, 2))


def main(argv: list[str]) -> int:
    report = Path(argv[0]) if argv else Path("failed-combinations.csv")
    analytics = FailureAnalytics()
    catalog = craftcore.load_catalog()
    game = craftcore.Game(catalog, plugins=[analytics])
    play_randomly(game, tries=300, seed=2024)
    rows = analytics.write_csv(report)
    failed = sum(analytics.failures.values())
    print(f"{analytics.tried} combinations tried, {failed} failed, {len(game.discovered)} concepts discovered")
    print(f"wrote {rows} rows to {report}")
    for inputs, count in analytics.failures.most_common(3):
        print(f"  {count} x {' + '.join(inputs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
