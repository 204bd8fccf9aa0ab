namespace SriovForwarder.Grains.Chain;

/// <summary>NSM mechanism types, classes and parameter keys the forwarder uses (upstream's constants).</summary>
public static class MechanismTypes
{
    public const string Kernel = "KERNEL";
    public const string Vfio = "VFIO";
    public const string Noop = "NOOP";
    public const string Local = "LOCAL";
    public const string Remote = "REMOTE";

    public const string TokenIdKey = "tokenID";
    public const string PciAddressKey = "pciAddress";
    public const string IommuGroupKey = "iommuGroup";
    public const string CgroupDirKey = "cgroupDir";
    public const string VfioMajorKey = "vfioMajor";
    public const string VfioMinorKey = "vfioMinor";
    public const string DeviceMajorKey = "deviceMajor";
    public const string DeviceMinorKey = "deviceMinor";
    public const string NameKey = "name";
    public const string InodeUrlKey = "inodeURL";
}
