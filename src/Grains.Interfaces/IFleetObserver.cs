using Orleans.Concurrency;
using SriovForwarder.Grains.Interfaces.Models;

namespace SriovForwarder.Grains.Interfaces;

/// <summary>A watcher of the fleet (the fleet API's Watch): told each node's new state as soon as the fleet grain hears of it.</summary>
public interface IFleetObserver : IGrainObserver
{
    /// <summary>A node changed: a new report, or its liveness changed. One-way: a slow watcher never holds up the fleet.</summary>
    [OneWay]
    Task OnNodeChangedAsync(FleetNode node);
}
