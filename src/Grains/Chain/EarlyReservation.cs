using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// A VF reserve started before discover for a first VFIO or KERNEL request (<see cref="Elements.EarlyReserveElement"/>,
/// decision 052): the request it was made with, and the node grain's answer to come. The resourcepool element takes it instead of reserving.
/// </summary>
/// <param name="Request">What was asked of the node.</param>
/// <param name="Reservation">The node's answer; awaited by whoever takes it, or by the early reserve element to free it.</param>
public sealed record EarlyReservation(ReserveRequest Request, Task<VfReservation> Reservation);
