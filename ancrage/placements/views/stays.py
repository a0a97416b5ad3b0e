"""The village board: houses, beds, children, arrivals, departures and co-placement rates."""

from django.shortcuts import render

from ancrage.kernel.access import requires
from ancrage.placements.queries import stays as queries


@requires("establishment", "view")
def village_board(request, pk):
    return render(request, "placements/village_board.html", queries.village_board(request.user, pk))
