namespace SriovForwarder.Kernel.Vfio;

/// <summary>Reads the device numbers of the VFIO container device and of IOMMU group devices.</summary>
public interface IVfioDevices
{
    /// <summary>The device number of <c>&lt;VfioPath&gt;/vfio</c> (normally 10:196).</summary>
    DeviceNumber GetContainerDevice();

    /// <summary>The device number of <c>&lt;VfioPath&gt;/&lt;iommuGroup&gt;</c>, which exists once the group is bound to vfio-pci.</summary>
    DeviceNumber GetGroupDevice(int iommuGroup);
}
