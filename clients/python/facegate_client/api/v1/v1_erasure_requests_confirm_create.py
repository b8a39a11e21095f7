from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.erasure_request_output import ErasureRequestOutput
from ...models.error_400 import Error400
from ...models.error_401 import Error401
from ...models.error_403 import Error403
from ...models.error_404 import Error404
from ...models.error_409 import Error409
from ...models.error_413 import Error413
from ...models.error_414 import Error414
from ...models.error_415 import Error415
from ...models.error_422 import Error422
from ...models.error_429 import Error429
from ...models.error_431 import Error431
from ...models.error_503 import Error503
from ...types import Response


def _get_kwargs(
    request_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/erasure-requests/{request_id}/confirm".format(
            request_id=quote(str(request_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
    | None
):
    if response.status_code == 200:
        response_200 = ErasureRequestOutput.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Error404.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error409.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error413.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Error414.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Error415.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Error422.from_dict(response.json())

        return response_422

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
) -> Response[
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
]:
    """An officer confirms the candidates (when ERASURE_REQUIRES_OFFICER_CONFIRMATION is on).

    Args:
        request_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureRequestOutput | Error400 | Error401 | Error403 | Error404 | Error409 | Error413 | Error414 | Error415 | Error422 | Error429 | Error431 | Error503]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    request_id: UUID,
    *,
    client: AuthenticatedClient,
) -> (
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
    | None
):
    """An officer confirms the candidates (when ERASURE_REQUIRES_OFFICER_CONFIRMATION is on).

    Args:
        request_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureRequestOutput | Error400 | Error401 | Error403 | Error404 | Error409 | Error413 | Error414 | Error415 | Error422 | Error429 | Error431 | Error503
    """

    return sync_detailed(
        request_id=request_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    request_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
]:
    """An officer confirms the candidates (when ERASURE_REQUIRES_OFFICER_CONFIRMATION is on).

    Args:
        request_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureRequestOutput | Error400 | Error401 | Error403 | Error404 | Error409 | Error413 | Error414 | Error415 | Error422 | Error429 | Error431 | Error503]
    """

    kwargs = _get_kwargs(
        request_id=request_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    request_id: UUID,
    *,
    client: AuthenticatedClient,
) -> (
    ErasureRequestOutput
    | Error400
    | Error401
    | Error403
    | Error404
    | Error409
    | Error413
    | Error414
    | Error415
    | Error422
    | Error429
    | Error431
    | Error503
    | None
):
    """An officer confirms the candidates (when ERASURE_REQUIRES_OFFICER_CONFIRMATION is on).

    Args:
        request_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureRequestOutput | Error400 | Error401 | Error403 | Error404 | Error409 | Error413 | Error414 | Error415 | Error422 | Error429 | Error431 | Error503
    """

    return (
        await asyncio_detailed(
            request_id=request_id,
            client=client,
        )
    ).parsed
