"""A generated customer-churn dataset with a real, known signal.

Customers are observed monthly (feature snapshots with an event timestamp, as a
feature store holds them) and labelled once, at a cut-off date: did they leave in
the next 30 days? Churn follows the features as of the cut-off — month-to-month
contracts, short tenure, high charges, many support tickets and electronic-check
payment raise it; usage lowers it — plus noise, so a good model reaches an AUC
near 0.8 and no model reaches 1. ``gender`` and ``region`` are carried for
fairness and segment reports; they play no part in the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ChurnData", "generate_churn", "write_churn"]

CONTRACTS = ["month-to-month", "one-year", "two-year"]
PAYMENTS = ["electronic-check", "card", "bank-transfer"]
REGIONS = ["north", "south", "east", "west"]
START = pd.Timestamp("2026-01-01", tz="UTC")
MONTHS = 6


@dataclass(frozen=True)
class ChurnData:
    features: pd.DataFrame  # customer_id, event_timestamp, created, the features, gender, region
    labels: pd.DataFrame  # customer_id, event_timestamp, churned

    def flat(self) -> pd.DataFrame:
        """Each label with the customer's latest snapshot at or before its timestamp."""
        feats = self.features.sort_values("event_timestamp")
        labels = self.labels.sort_values("event_timestamp")
        return pd.merge_asof(
            labels, feats.drop(columns=["created"]), on="event_timestamp", by="customer_id"
        )


def generate_churn(customers: int = 8000, seed: int = 7) -> ChurnData:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, customers + 1)
    contract = rng.choice(CONTRACTS, customers, p=[0.55, 0.25, 0.20])
    payment = rng.choice(PAYMENTS, customers, p=[0.35, 0.40, 0.25])
    region = rng.choice(REGIONS, customers)
    gender = rng.choice(["female", "male"], customers)
    tenure0 = rng.gamma(2.0, 12.0, customers).clip(0, 100)
    charges0 = rng.normal(70, 25, customers).clip(18, 150)
    usage0 = rng.gamma(3.0, 40.0, customers)

    rows = []
    for month in range(MONTHS):
        ts = START + pd.DateOffset(months=month)
        rows.append(
            pd.DataFrame(
                {
                    "customer_id": ids,
                    "event_timestamp": ts,
                    "created": ts + pd.Timedelta(hours=2),
                    "tenure_months": tenure0 + month,
                    "monthly_charges": (charges0 + rng.normal(0, 3, customers)).clip(18, 150),
                    "support_tickets": rng.poisson(0.6 + 1.2 * (contract == "month-to-month")),
                    "usage_gb": (usage0 * rng.lognormal(0, 0.15, customers)).round(1),
                    "contract": contract,
                    "payment_method": payment,
                    "region": region,
                    "gender": gender,
                }
            )
        )
    features = pd.concat(rows, ignore_index=True)
    features["support_tickets"] = features["support_tickets"].astype("int64")
    for column in ("event_timestamp", "created"):
        features[column] = features[column].astype("datetime64[us, UTC]")

    # one label per customer, at a cut-off a few days after one of the snapshots
    label_month = rng.integers(1, MONTHS, customers)
    cutoff = pd.DatetimeIndex(
        [START + pd.DateOffset(months=int(m)) + pd.Timedelta(days=10) for m in label_month]
    )
    labels = pd.DataFrame(
        {"customer_id": ids, "event_timestamp": cutoff.astype("datetime64[us, UTC]")}
    )
    snap = pd.merge_asof(
        labels.sort_values("event_timestamp"),
        features.sort_values("event_timestamp").drop(columns=["created"]),
        on="event_timestamp",
        by="customer_id",
    )
    logit = (
        -2.1
        + 1.5 * (snap["contract"] == "month-to-month")
        - 0.6 * (snap["contract"] == "two-year")
        - 0.035 * snap["tenure_months"]
        + 0.018 * (snap["monthly_charges"] - 70)
        + 0.45 * snap["support_tickets"]
        - 0.004 * snap["usage_gb"]
        + 0.55 * (snap["payment_method"] == "electronic-check")
        + rng.normal(0, 0.7, len(snap))
    )
    snap["churned"] = (rng.random(len(snap)) < 1 / (1 + np.exp(-logit))).astype("int64")
    labels = snap[["customer_id", "event_timestamp", "churned"]].reset_index(drop=True)
    return ChurnData(features=features, labels=labels)


def write_churn(directory: Path, customers: int = 8000, seed: int = 7) -> tuple[Path, Path]:
    """The two files a feature-store pipeline reads: feature snapshots and labels."""
    directory.mkdir(parents=True, exist_ok=True)
    data = generate_churn(customers, seed)
    features, labels = directory / "customers.parquet", directory / "labels.parquet"
    data.features.to_parquet(features, index=False)
    data.labels.to_parquet(labels, index=False)
    return features, labels
