using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Interfaces.Models;

/// <summary>
/// One connection event as the monitor grain numbers it: Orleans does not promise to deliver one-way messages in order,
/// so the observer puts them back in order by <see cref="Sequence"/> within the grain activation's <see cref="Epoch"/>.
/// An INITIAL_STATE_TRANSFER carries the sequence of the last event it includes.
/// </summary>
[GenerateSerializer, Alias("sriov.ConnectionEventNotice")]
public sealed record ConnectionEventNotice(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ConnectionEvent Event);
