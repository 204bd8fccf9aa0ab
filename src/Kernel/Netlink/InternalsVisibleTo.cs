using System.Runtime.CompilerServices;

// The request encoders are internal; the kernel tests compare their bytes with hand-computed ones.
[assembly: InternalsVisibleTo("SriovForwarder.Kernel.Tests")]
