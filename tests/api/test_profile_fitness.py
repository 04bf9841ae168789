"""Profile: fitness level and goals, set by JSON or form, validated, exported."""

from __future__ import annotations

from tests.api.conftest import auth, register


async def test_fitness_level_and_goals_round_trip_and_export(client):
    user = await register(client)
    profile = (await client.get("/v1/user/profile", headers=auth(user))).json()["data"]
    assert profile["fitnessLevel"] is None and profile["goals"] is None
    response = await client.put(
        "/v1/user/profile",
        headers=auth(user),
        json={"fitnessLevel": "intermediate", "goals": "  Squat 100 kg by June  "},
    )
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["user"]
    assert (updated["fitnessLevel"], updated["goals"]) == ("intermediate", "Squat 100 kg by June")
    assert updated["firstName"] == "Ada"  # fields left out stay as they are
    again = (await client.get("/v1/user/profile", headers=auth(user))).json()["data"]
    assert (again["fitnessLevel"], again["goals"]) == ("intermediate", "Squat 100 kg by June")
    exported = (await client.get("/v1/user/export", headers=auth(user))).json()["data"]["user"]
    assert (exported["fitnessLevel"], exported["goals"]) == ("intermediate", "Squat 100 kg by June")
    cleared = await client.put(
        "/v1/user/profile", headers=auth(user), json={"fitnessLevel": None, "goals": None}
    )
    body = cleared.json()["data"]["user"]
    assert (body["fitnessLevel"], body["goals"]) == (None, None)


async def test_fitness_level_and_goals_are_validated(client):
    user = await register(client)
    for payload in ({"fitnessLevel": "elite"}, {"goals": "x" * 501}, {"goals": 5}):
        bad = await client.put("/v1/user/profile", headers=auth(user), json=payload)
        assert bad.status_code == 400, payload
        assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    profile = (await client.get("/v1/user/profile", headers=auth(user))).json()["data"]
    assert (profile["fitnessLevel"], profile["goals"]) == (None, None)


async def test_form_sets_and_clears_fitness_level_and_goals(client):
    user = await register(client)
    response = await client.put(
        "/v1/user/profile",
        headers=auth(user),
        files={"fitnessLevel": (None, "advanced"), "goals": (None, "Ten pull-ups")},
    )
    assert response.status_code == 200, response.text
    updated = response.json()["data"]["user"]
    assert (updated["fitnessLevel"], updated["goals"]) == ("advanced", "Ten pull-ups")
    bad = await client.put(
        "/v1/user/profile", headers=auth(user), files={"fitnessLevel": (None, "pro")}
    )
    assert bad.status_code == 400
    cleared = await client.put(
        "/v1/user/profile",
        headers=auth(user),
        files={"fitnessLevel": (None, ""), "goals": (None, "")},
    )
    body = cleared.json()["data"]["user"]
    assert (body["fitnessLevel"], body["goals"]) == (None, None)
