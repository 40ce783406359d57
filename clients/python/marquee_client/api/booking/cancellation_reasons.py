from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancellation_reasons_for import CancellationReasonsFor
from ...models.cancellation_reasons_response_200_item import CancellationReasonsResponse200Item
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    for_: CancellationReasonsFor | Unset = "customer",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_for_: str | Unset = UNSET
    if not isinstance(for_, Unset):
        json_for_ = for_

    params["for"] = json_for_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/cancellation-reasons",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[CancellationReasonsResponse200Item] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = CancellationReasonsResponse200Item.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[CancellationReasonsResponse200Item]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    for_: CancellationReasonsFor | Unset = "customer",
) -> Response[Error | list[CancellationReasonsResponse200Item]]:
    """Reason categories a cancellation can be filed under (reasonCategory): the customer's choices, or
    with for=operator every one

    Args:
        for_ (CancellationReasonsFor | Unset): whose form Default: 'customer'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[CancellationReasonsResponse200Item]]
    """

    kwargs = _get_kwargs(
        for_=for_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    for_: CancellationReasonsFor | Unset = "customer",
) -> Error | list[CancellationReasonsResponse200Item] | None:
    """Reason categories a cancellation can be filed under (reasonCategory): the customer's choices, or
    with for=operator every one

    Args:
        for_ (CancellationReasonsFor | Unset): whose form Default: 'customer'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[CancellationReasonsResponse200Item]
    """

    return sync_detailed(
        client=client,
        for_=for_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    for_: CancellationReasonsFor | Unset = "customer",
) -> Response[Error | list[CancellationReasonsResponse200Item]]:
    """Reason categories a cancellation can be filed under (reasonCategory): the customer's choices, or
    with for=operator every one

    Args:
        for_ (CancellationReasonsFor | Unset): whose form Default: 'customer'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[CancellationReasonsResponse200Item]]
    """

    kwargs = _get_kwargs(
        for_=for_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    for_: CancellationReasonsFor | Unset = "customer",
) -> Error | list[CancellationReasonsResponse200Item] | None:
    """Reason categories a cancellation can be filed under (reasonCategory): the customer's choices, or
    with for=operator every one

    Args:
        for_ (CancellationReasonsFor | Unset): whose form Default: 'customer'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[CancellationReasonsResponse200Item]
    """

    return (
        await asyncio_detailed(
            client=client,
            for_=for_,
        )
    ).parsed
