using SriovForwarder.Silo.Hosting;

return await ForwarderProgram.RunAsync(args);
