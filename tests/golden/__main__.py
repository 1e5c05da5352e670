"""``make golden``: rewrite every golden file from what the current code answers."""

from __future__ import annotations

from service.app import create_app
from service.config import Settings
from tests.builders import story_payload
from tests.golden import CASES, write


def main() -> None:
    app = create_app(Settings(load_model=False, default_similarity="lexical"))
    with app.test_client() as client:
        for name, options in CASES.items():
            response = client.post("/v1/summaries", json=story_payload(**options))
            assert response.status_code == 200, response.get_json()
            path = write(name, response.get_json())
            print(f"make golden: rewrote {path.relative_to(path.parents[2])}")
    print("make golden: review `git diff tests/golden` and commit it with the change that moved it")


if __name__ == "__main__":
    main()
