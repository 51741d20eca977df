"""Reading a ward's plan appendix (Excel, Word or CSV) into sections and tasks.

Pure parsing: no database. ``workflow.plans.apply_import`` saves the result.
"""
