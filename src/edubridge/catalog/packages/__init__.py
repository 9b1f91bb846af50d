"""Content packages: IMS Common Cartridge 1.1/1.3 and QTI 3.0 (2.1/2.2 read), in and out."""
