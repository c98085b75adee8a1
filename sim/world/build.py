"""Building a model's institutions and stores under its policy.

Providers are one node per tier and region slot (each standing for many real
institutions); national bodies are public-health reporting, the insurance funds and, if
collected, a payment platform; the architecture adds its platforms, locator or break-glass
service (:meth:`sim.world.architecture.Architecture.build_stores`); integrated codes give the
insurer and the payment platform a view of health records. Stores are created empty:
what they hold follows from the last-visit tables and the sharing network
(:mod:`sim.world.records`, :mod:`sim.world.network`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..registry import Registry
from .institutions import Institution, InstitutionKind, Store

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["BUILD_HOOKS", "add_institution", "add_store", "build_institutions",
           "register_build_hook"]

#: functions ``hook(model)`` called, in registration order, while each model is built: after
#: the design's institutions and network exist, before the model reads them
#: (:meth:`sim.world.model.HealthDataModel.build_network` is the subclass's way)
BUILD_HOOKS: Registry[Callable[[HealthDataModel], None]] = Registry("build hook")


def register_build_hook(name: str):
    """Register ``fn(model)`` to add institutions, stores or flows to every model built.

    Example::

        @register_build_hook("commercial_insurer")
        def commercial_insurer(m):
            insurer = m.add_institution("insurance_bureau", -1, label="commercial insurer")
            m.add_store(insurer, "underwriting", scope="providers", fields=..., ...)
            m.add_flow(platform, insurer, "integration", store="underwriting", ...)
    """
    return BUILD_HOOKS.register(name)

_SHORT = {InstitutionKind.CLINIC: "clinic", InstitutionKind.SECONDARY: "secondary",
          InstitutionKind.TERTIARY: "tertiary"}


def add_institution(model: HealthDataModel, kind: str | InstitutionKind, region: int,
                    label: str | None = None) -> Institution:
    """Create an institution node."""
    kind = InstitutionKind(kind) if isinstance(kind, str) else kind
    label = label or (f"{kind.value} r{region}" if region >= 0 else kind.value)
    inst = Institution(model, kind, region, label)
    inst.index = len(model.institution_list)
    model.institution_list.append(inst)
    return inst


def add_store(model: HealthDataModel, inst: Institution, name: str, *, scope: str,
              key: int = -1, fields: int, identified: bool,
              needs_participation: bool, members: str = "") -> Store | None:
    """Give ``inst`` a store of records (skipped if it would hold no fields).

    ``members``: a boolean population column of the only residents it can hold (the
    insured, online payers, insurance-code users), ``""`` for anyone.
    """
    if not fields:
        return None
    if members and not isinstance(getattr(model.pop, members, None), np.ndarray):
        raise ValueError(f"add_store: members={members!r} is not a population column")
    store = Store(name=name, institution=inst, scope=scope, key=key, fields=int(fields),
                  identified=bool(identified), needs_participation=needs_participation,
                  index=len(model.stores), members=members)
    bits = model.catalogue.unpack(np.array([store.fields], dtype=np.int64))[0]
    store.retail_value = float((bits * model.catalogue.vector("resale_value_yuan")).sum())
    inst.stores.append(store)
    model.stores.append(store)
    return store


def build_institutions(model: HealthDataModel) -> None:
    """Providers, national bodies, the architecture's systems and the integrated views."""
    _providers(model)
    _agencies(model)
    model.architecture.build_stores()
    _integrated_views(model)


def _providers(model: HealthDataModel) -> None:
    p = model.p
    n_reg = p["n_regions"]
    tiers = [(InstitutionKind.CLINIC, p["clinics_per_region"]),
             (InstitutionKind.SECONDARY, p["secondary_per_region"]),
             (InstitutionKind.TERTIARY, p["tertiary_per_region"])]
    model.nodes_per_tier = np.array([k for _, k in tiers])
    model.provider_table = np.full((n_reg, 3, int(model.nodes_per_tier.max())), -1,
                                   dtype=np.int64)
    for r in range(n_reg):
        for t, (kind, k) in enumerate(tiers):
            for j in range(k):
                inst = add_institution(model, kind, r,
                                       f"{_SHORT[kind]} {model.region_names[r]} {j + 1}")
                inst.provider_row = len(model.providers)
                model.provider_table[r, t, j] = inst.provider_row
                model.providers.append(inst)
                add_store(model, inst, "local records", scope="provider", key=inst.provider_row,
                          fields=model.policy.provider, identified=True,
                          needs_participation=False)
    model.n_providers = len(model.providers)
    model.provider_region = np.array([i.region for i in model.providers], dtype=np.int64)
    model.provider_index = np.array([i.index for i in model.providers], dtype=np.int64)
    # each resident's usual clinic, secondary and tertiary node in the home region
    u = model.streams.get("home_providers").random((model.pop.n, 3))
    reg = model.pop.region
    model.home_provider = np.stack(
        [model.provider_table[reg, t, (u[:, t] * model.nodes_per_tier[t]).astype(np.int64)]
         for t in range(3)], axis=1)


def _agencies(model: HealthDataModel) -> None:
    pol = model.policy
    ph = add_institution(model, InstitutionKind.PUBLIC_HEALTH, -1)
    add_store(model, ph, "disease reporting", scope="all", fields=pol.public_health,
              identified=pol.cross_domain_identified, needs_participation=False)
    ins = add_institution(model, InstitutionKind.INSURANCE, -1)
    add_store(model, ins, "settlement", scope="all", fields=pol.insurance_base, identified=True,
              needs_participation=False, members="insured")
    if pol.payment_base:
        pay = add_institution(model, InstitutionKind.PAYMENT, -1)
        add_store(model, pay, "payments", scope="everyone", fields=pol.payment_base,
                  identified=True, needs_participation=False, members="pays_online")


def _integrated_views(model: HealthDataModel) -> None:
    """Integrated codes give the insurer / payment platform a view of health records."""
    pol = model.policy
    if model.architecture.on_device:
        return  # the health record is not on a server: nothing to integrate with
    add_store(model, model.agency(InstitutionKind.INSURANCE), "integrated insurance view",
              scope="all", fields=pol.integrated_insurance,
              identified=pol.cross_domain_identified, needs_participation=True,
              members="insurance_code")
    if pol.integrated_payment:
        pay = model.agency(InstitutionKind.PAYMENT) or add_institution(
            model, InstitutionKind.PAYMENT, -1)
        add_store(model, pay, "integrated payment view", scope="all",
                  fields=pol.integrated_payment, identified=pol.cross_domain_identified,
                  needs_participation=True, members="pays_online")
