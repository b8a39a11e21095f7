from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_consistency_proof import AuditConsistencyProof
from ...models.error_400 import Error400
from ...models.error_401 import Error401
from ...models.error_403 import Error403
from ...models.error_414 import Error414
from ...models.error_429 import Error429
from ...models.error_431 import Error431
from ...models.error_503 import Error503
from ...types import UNSET, Response


def _get_kwargs(
    *,
    from_: int,
    to: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["from"] = from_

    params["to"] = to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit/consistency",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503 | None:
    if response.status_code == 200:
        response_200 = AuditConsistencyProof.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error400.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error401.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error403.from_dict(response.json())

        return response_403

    if response.status_code == 414:
        response_414 = Error414.from_dict(response.json())

        return response_414

    if response.status_code == 429:
        response_429 = Error429.from_dict(response.json())

        return response_429

    if response.status_code == 431:
        response_431 = Error431.from_dict(response.json())

        return response_431

    if response.status_code == 503:
        response_503 = Error503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: int,
    to: int,
) -> Response[AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503]:
    """RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`.

    Args:
        from_ (int):
        to (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: int,
    to: int,
) -> AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503 | None:
    """RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`.

    Args:
        from_ (int):
        to (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: int,
    to: int,
) -> Response[AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503]:
    """RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`.

    Args:
        from_ (int):
        to (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: int,
    to: int,
) -> AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503 | None:
    """RFC 9162 consistency proof: the tree of size `from` is a prefix of the tree of size `to`.

    Args:
        from_ (int):
        to (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditConsistencyProof | Error400 | Error401 | Error403 | Error414 | Error429 | Error431 | Error503
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
