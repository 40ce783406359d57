import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.movie_showing import MovieShowing
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cinema: UUID,
    date: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_cinema = str(cinema)
    params["cinema"] = json_cinema

    json_date: None | str | Unset
    if isinstance(date, Unset):
        json_date = UNSET
    elif isinstance(date, datetime.date):
        json_date = date.isoformat()
    else:
        json_date = date
    params["date"] = json_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/movies/now-showing",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | list[MovieShowing] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = MovieShowing.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
) -> Response[Error | list[MovieShowing]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    cinema: UUID,
    date: datetime.date | None | Unset = UNSET,
) -> Response[Error | list[MovieShowing]]:
    """Movies showing at a cinema on a local date

    Args:
        cinema (UUID): cinema id
        date (datetime.date | None | Unset): the cinema's local date (default today)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[MovieShowing]]
    """

    kwargs = _get_kwargs(
        cinema=cinema,
        date=date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    cinema: UUID,
    date: datetime.date | None | Unset = UNSET,
) -> Error | list[MovieShowing] | None:
    """Movies showing at a cinema on a local date

    Args:
        cinema (UUID): cinema id
        date (datetime.date | None | Unset): the cinema's local date (default today)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[MovieShowing]
    """

    return sync_detailed(
        client=client,
        cinema=cinema,
        date=date,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    cinema: UUID,
    date: datetime.date | None | Unset = UNSET,
) -> Response[Error | list[MovieShowing]]:
    """Movies showing at a cinema on a local date

    Args:
        cinema (UUID): cinema id
        date (datetime.date | None | Unset): the cinema's local date (default today)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[MovieShowing]]
    """

    kwargs = _get_kwargs(
        cinema=cinema,
        date=date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    cinema: UUID,
    date: datetime.date | None | Unset = UNSET,
) -> Error | list[MovieShowing] | None:
    """Movies showing at a cinema on a local date

    Args:
        cinema (UUID): cinema id
        date (datetime.date | None | Unset): the cinema's local date (default today)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[MovieShowing]
    """

    return (
        await asyncio_detailed(
            client=client,
            cinema=cinema,
            date=date,
        )
    ).parsed
