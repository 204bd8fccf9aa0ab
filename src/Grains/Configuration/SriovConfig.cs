namespace SriovForwarder.Grains.Configuration;

/// <summary>The SR-IOV config file (<c>NSM_SRIOV_CONFIG_FILE</c>): the physical functions the forwarder may use, in file order.</summary>
/// <param name="PhysicalFunctions">The PFs, in the order the file lists them; addresses are unique.</param>
public sealed record SriovConfig(IReadOnlyList<PhysicalFunctionConfig> PhysicalFunctions)
{
    /// <summary>A config without PFs (an empty file).</summary>
    public static readonly SriovConfig Empty = new([]);

    /// <summary>The PF with that address, or null.</summary>
    public PhysicalFunctionConfig? Find(string address) =>
        PhysicalFunctions.FirstOrDefault(pf => pf.Address == address);

    /// <summary>Every resource name any PF offers, in first-seen order.</summary>
    public IReadOnlyList<string> ResourceNames => PhysicalFunctions.SelectMany(pf => pf.ResourceNames).Distinct().ToList();
}
