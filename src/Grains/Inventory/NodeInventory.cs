namespace SriovForwarder.Grains.Inventory;

/// <summary>A node's SR-IOV hardware as the forwarder may use it: the configured PFs and their VFs.</summary>
public sealed record NodeInventory(IReadOnlyList<InventoryPhysicalFunction> PhysicalFunctions)
{
    /// <summary>An inventory without PFs (an empty SR-IOV config).</summary>
    public static readonly NodeInventory Empty = new([]);

    /// <summary>The PF with that address, or null.</summary>
    public InventoryPhysicalFunction? Find(string pfAddress) =>
        PhysicalFunctions.FirstOrDefault(pf => pf.Address == pfAddress);
}
