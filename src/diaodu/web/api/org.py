from __future__ import annotations

from fastapi import APIRouter

from diaodu.core import org
from diaodu.web.deps import CurrentActor, DbSession
from diaodu.web.schemas import (
    PeerGroupRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RegionCreate,
    RegionRead,
    RegionUpdate,
    UnitCreate,
    UnitRead,
    UnitUpdate,
    region_read,
    unit_read,
)

router = APIRouter(tags=["org"])


@router.get("/regions", response_model=list[RegionRead])
def list_regions(actor: CurrentActor, session: DbSession):
    return [region_read(r) for r in org.list_regions(session)]


@router.get("/regions/{region_id}", response_model=RegionRead)
def get_region(region_id: int, actor: CurrentActor, session: DbSession):
    return region_read(org.get_region(session, region_id))


@router.post("/regions", response_model=RegionRead, status_code=201)
def create_region(body: RegionCreate, actor: CurrentActor, session: DbSession):
    return region_read(org.create_region(session, actor, **body.model_dump()))


@router.patch("/regions/{region_id}", response_model=RegionRead)
def update_region(region_id: int, body: RegionUpdate, actor: CurrentActor, session: DbSession):
    return region_read(org.update_region(session, actor, region_id, **body.model_dump(exclude_unset=True)))


@router.delete("/regions/{region_id}", status_code=204)
def delete_region(region_id: int, actor: CurrentActor, session: DbSession):
    org.delete_region(session, actor, region_id)


@router.get("/peer-groups", response_model=list[PeerGroupRead])
def list_peer_groups(actor: CurrentActor, session: DbSession):
    return [PeerGroupRead(id=g.id, name=g.name, region_ids=[r.id for r in g.regions])
            for g in org.list_peer_groups(session)]


@router.get("/units", response_model=list[UnitRead])
def list_units(actor: CurrentActor, session: DbSession):
    return [unit_read(u) for u in org.list_units(session)]


@router.get("/units/{unit_id}", response_model=UnitRead)
def get_unit(unit_id: int, actor: CurrentActor, session: DbSession):
    return unit_read(org.get_unit(session, unit_id))


@router.post("/units", response_model=UnitRead, status_code=201)
def create_unit(body: UnitCreate, actor: CurrentActor, session: DbSession):
    return unit_read(org.create_unit(session, actor, **body.model_dump()))


@router.patch("/units/{unit_id}", response_model=UnitRead)
def update_unit(unit_id: int, body: UnitUpdate, actor: CurrentActor, session: DbSession):
    return unit_read(org.update_unit(session, actor, unit_id, **body.model_dump(exclude_unset=True)))


@router.delete("/units/{unit_id}", status_code=204)
def delete_unit(unit_id: int, actor: CurrentActor, session: DbSession):
    org.delete_unit(session, actor, unit_id)


@router.get("/people", response_model=list[PersonRead])
def list_people(actor: CurrentActor, session: DbSession, leaders_only: bool = False):
    return org.list_people(session, actor, leaders_only=leaders_only)


@router.get("/people/{person_id}", response_model=PersonRead)
def get_person(person_id: int, actor: CurrentActor, session: DbSession):
    return org.get_person(session, actor, person_id)


@router.post("/people", response_model=PersonRead, status_code=201)
def create_person(body: PersonCreate, actor: CurrentActor, session: DbSession):
    return org.create_person(session, actor, **body.model_dump())


@router.patch("/people/{person_id}", response_model=PersonRead)
def update_person(person_id: int, body: PersonUpdate, actor: CurrentActor, session: DbSession):
    return org.update_person(session, actor, person_id, **body.model_dump(exclude_unset=True))


@router.delete("/people/{person_id}", status_code=204)
def delete_person(person_id: int, actor: CurrentActor, session: DbSession):
    org.delete_person(session, actor, person_id)
