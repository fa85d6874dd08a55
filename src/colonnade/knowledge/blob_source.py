"""An Azure Blob Storage container as a ``Source`` (the ``scale`` extra: azure-storage-blob).

Every blob under a prefix whose name matches the include and not the exclude globs is one
document, its URI the blob's URL (without any SAS). Runs are incremental by ETag: a blob
whose ETag matches the indexed document's is skipped without being downloaded, and a blob
is downloaded on the ETag it was listed with, so one rewritten meanwhile is reported and
taken by the next run rather than indexed half old, half new. Blob metadata becomes
document metadata; ``acl_users`` / ``acl_groups`` (comma-separated, names configurable)
become the document's ACL. A complete listing mirrors deletions: a document whose blob is
gone is removed. A blob that cannot be read is reported and the run goes on.

Sign-in: a connection string, a SAS token (in the settings or in the URL), or an Entra ID
token through ``azure-identity``, never a key in the URL: on an AKS pod with workload
identity (AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE set)
``WorkloadIdentityCredential`` exchanges the pod's federated token for it, elsewhere
``DefaultAzureCredential`` finds one (a managed identity, the Azure CLI). A refused exchange
is a one-line ``ConfigurationError``, raised when the first request asks for the token.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from colonnade.errors import ConfigurationError, DocumentError, InvalidInput
from colonnade.knowledge.ports import SourceItem
from colonnade.knowledge.sources import glob_match
from colonnade.settings import BlobSettings

__all__ = ["BlobSource", "container_client"]


WORKLOAD_IDENTITY_ENV = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")


class _ExplainedCredential:
    """A sync ``azure-identity`` credential whose refusal is a one-line ``ConfigurationError``
    that says what to check (never the token), rather than the SDK's multi-line message."""

    def __init__(self, inner: Any, name: str, fix: str) -> None:
        self.inner, self.name, self.fix = inner, name, fix

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.exceptions import ClientAuthenticationError

        try:
            return self.inner.get_token(*scopes, **kwargs)
        except ClientAuthenticationError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigurationError(
                f"{self.name} got no token for Azure Storage: {first}; {self.fix}"
            ) from exc

    def close(self) -> None:
        self.inner.close()


def _identity_credential() -> _ExplainedCredential:
    from azure.identity import DefaultAzureCredential, WorkloadIdentityCredential

    if all(os.environ.get(name) for name in WORKLOAD_IDENTITY_ENV):
        return _ExplainedCredential(
            WorkloadIdentityCredential(),
            "workload identity",
            "check AZURE_CLIENT_ID, AZURE_TENANT_ID, the token in AZURE_FEDERATED_TOKEN_FILE "
            "and the federated credential of the app registration or managed identity",
        )
    return _ExplainedCredential(
        DefaultAzureCredential(),
        "DefaultAzureCredential",
        "run on a pod with workload identity or a managed identity, sign in with az login, "
        "or set ingestion.blob.connection_string or sas_token",
    )


def _why(exc: Exception) -> str:
    """The first line of an SDK error, and the service's AuthenticationErrorDetail (why a
    bearer token was refused: its audience, issuer or lifetime) where it gave one."""
    lines = str(exc).splitlines()
    detail = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.lower().startswith("authenticationerrordetail:")
    ]
    first = lines[0] if lines else ""
    return f"{first} ({detail[0]})" if detail else first


def _names(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def container_client(url: str, settings: BlobSettings) -> Any:
    """A ``ContainerClient`` for ``url`` signed in as ``settings.auth`` says."""
    try:
        from azure.storage.blob import BlobServiceClient, ContainerClient
    except ImportError as exc:  # pragma: no cover - the scale extra is not installed
        raise ConfigurationError(
            "ingesting from Azure Blob Storage needs the scale extra: "
            "pip install 'colonnade[scale]'"
        ) from exc
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            f"--blob {url!r} is not a container URL: give "
            "https://ACCOUNT.blob.core.windows.net/CONTAINER"
        )
    auth = settings.auth
    if auth == "auto":
        if settings.connection_string is not None:
            auth = "connection_string"
        elif settings.sas_token is not None or "sig=" in parts.query:
            auth = "sas"
        else:
            auth = "identity"
    options: dict[str, Any] = {
        "connection_timeout": settings.timeout_s,
        "read_timeout": settings.timeout_s,
    }
    plain = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    if auth == "connection_string":
        if settings.connection_string is None:
            raise ConfigurationError(
                "ingestion.blob.auth is connection_string: set "
                "COLONNADE_INGESTION__BLOB__CONNECTION_STRING"
            )
        name = ContainerClient.from_container_url(plain).container_name
        service = BlobServiceClient.from_connection_string(
            settings.connection_string.get_secret_value(), **options
        )
        return service.get_container_client(name)
    if auth == "sas":
        token = settings.sas_token.get_secret_value() if settings.sas_token else parts.query
        if not token:
            raise ConfigurationError(
                "ingestion.blob.auth is sas: set COLONNADE_INGESTION__BLOB__SAS_TOKEN "
                "or add the SAS to the URL"
            )
        return ContainerClient.from_container_url(plain, credential=token, **options)
    return ContainerClient.from_container_url(plain, credential=_identity_credential(), **options)


@dataclass(slots=True, frozen=True)
class _Blob:
    name: str
    etag: str
    metadata: dict[str, str]


class BlobSource:
    def __init__(
        self,
        container: Any,
        *,
        prefix: str = "",
        include: Sequence[str] = ("**/*",),
        exclude: Sequence[str] = (),
        acl_users_key: str = "acl_users",
        acl_groups_key: str = "acl_groups",
    ) -> None:
        self.container = container
        self.prefix = prefix
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.acl_keys = (acl_users_key.lower(), acl_groups_key.lower())
        self._blobs: dict[str, _Blob] = {}
        self._complete = False
        self.downloads = 0  # blobs read in the last run (unchanged ones are not)
        base = urlsplit(container.url)
        self._base = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/"), "", ""))

    @classmethod
    def from_url(
        cls,
        url: str,
        settings: BlobSettings,
        *,
        prefix: str = "",
        include: Sequence[str] = ("**/*",),
        exclude: Sequence[str] = (),
    ) -> BlobSource:
        return cls(
            container_client(url, settings),
            prefix=prefix,
            include=include,
            exclude=exclude,
            acl_users_key=settings.acl_users_key,
            acl_groups_key=settings.acl_groups_key,
        )

    @property
    def scope(self) -> str:
        return f"{self._base}/{quote(self.prefix)}"

    @property
    def complete_listing(self) -> bool:
        return self._complete

    def _uri(self, name: str) -> str:
        return f"{self._base}/{quote(name)}"

    def _wanted(self, name: str) -> bool:
        rel = name[len(self.prefix) :].lstrip("/")
        if not rel or name.endswith("/"):
            return False  # a folder placeholder
        if not any(glob_match(rel, p) for p in self.include):
            return False
        return not any(glob_match(rel, p) for p in self.exclude)

    def items(self) -> Iterator[SourceItem]:
        from azure.core.exceptions import AzureError

        self._blobs, self._complete, self.downloads = {}, False, 0
        listed: list[SourceItem] = []
        try:
            for blob in self.container.list_blobs(
                name_starts_with=self.prefix or None, include=["metadata"]
            ):
                if not self._wanted(blob.name) or (blob.metadata or {}).get("hdi_isfolder"):
                    continue
                uri = self._uri(blob.name)
                self._blobs[uri] = _Blob(blob.name, str(blob.etag), dict(blob.metadata or {}))
                listed.append(
                    SourceItem(
                        uri=uri,
                        name=blob.name.rsplit("/", 1)[-1],
                        size_bytes=int(blob.size or 0),
                        modified_at=blob.last_modified,
                        version=str(blob.etag),
                    )
                )
        except AzureError as exc:
            raise InvalidInput(
                f"cannot list the blobs of {self._base}: {type(exc).__name__}: "
                f"{_why(exc)}; check the URL and the credentials (ingestion.blob)"
            ) from exc
        self._complete = True
        yield from listed

    def read(self, item: SourceItem) -> bytes:
        from azure.core import MatchConditions
        from azure.core.exceptions import (
            AzureError,
            ResourceModifiedError,
            ResourceNotFoundError,
        )

        blob = self._blobs[item.uri]
        try:
            data: bytes = self.container.download_blob(
                blob.name, etag=blob.etag, match_condition=MatchConditions.IfNotModified
            ).readall()
        except ResourceNotFoundError as exc:
            raise DocumentError("unreadable", f"{blob.name} was deleted during ingestion") from exc
        except ResourceModifiedError as exc:
            raise DocumentError(
                "unreadable",
                f"{blob.name} changed or was deleted during ingestion: the next run takes it",
            ) from exc
        except AzureError as exc:
            raise DocumentError(
                "unreadable", f"cannot read {blob.name}: {type(exc).__name__}: {_why(exc)}"
            ) from exc
        self.downloads += 1
        return data

    def sidecar_metadata(self, item: SourceItem) -> dict[str, object]:
        """The blob's metadata as the document's; the ACL keys become its ACL."""
        users_key, groups_key = self.acl_keys
        meta: dict[str, object] = {}
        acl: dict[str, list[str]] = {}
        for key, value in self._blobs[item.uri].metadata.items():
            lowered = key.lower()
            if lowered == users_key:
                acl["users"] = _names(value)
            elif lowered == groups_key:
                acl["groups"] = _names(value)
            else:
                meta[key] = value
        if acl:
            meta["acl"] = acl
        return meta
