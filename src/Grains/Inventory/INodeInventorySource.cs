namespace SriovForwarder.Grains.Inventory;

/// <summary>Reads this node's SR-IOV inventory (config joined with sysfs); the node grain asks on activation.</summary>
public interface INodeInventorySource
{
    /// <summary>Opens every configured PF (enabling its VFs if needed) and returns the inventory.</summary>
    Task<NodeInventory> LoadAsync(CancellationToken cancellationToken = default);
}
